package dev.spamgpt.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.text.MessageText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailFolderReaderTest {

    private static final MessageText.Limits LIMITS = MessageText.Limits.defaults();

    @TempDir Path root;

    private void write(String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadEmlMaildirAndMboxUnderHamAndSpam() throws IOException {
        write("ham/2024/a.eml", "Subject: Lunch\n\nAt noon?\n");
        write("ham/box/cur/1700000000.1.host:2,S", "Subject: Minutes\n\nAttached.\n");
        write("ham/box/new/1700000001.2.host", "Subject: Hello\n\nNew one.\n");
        write("ham/box/tmp/1700000002.3.host", "Subject: Partial\n\nstill arriving\n");
        Files.createDirectories(root.resolve("ham/box/tmp"));
        write("ham/README.md", "notes about this folder\n");
        write("ham/.DS_Store", "x");
        write(
                "spam/archive.mbox",
                String.join(
                        "\n",
                        "From spammer@example.com Mon Jan  1 00:00:00 2024",
                        "Subject: Win",
                        "",
                        "Claim your prize",
                        ">From the desk of the director",
                        "",
                        "From other@example.com Mon Jan  1 00:00:01 2024",
                        "Subject: Cheap",
                        "Content-Type: text/html",
                        "",
                        "<p>Cheap <b>pills</b></p>",
                        "",
                        "From third@example.com Mon Jan  1 00:00:02 2024",
                        "Content-Type: image/png",
                        "",
                        "iVBORw0KGgo=",
                        ""));

        ReadResult result = MailFolderReader.read(root, LIMITS);

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("Lunch\nAt noon?", 0),
                        new LabelledText("Minutes\nAttached.", 0),
                        new LabelledText("Hello\nNew one.", 0),
                        new LabelledText("Win\nClaim your prize\nFrom the desk of the director", 1),
                        new LabelledText("Cheap\nCheap pills", 1));
        assertThat(result.malformed()).isEqualTo(1);
        assertThat(result.malformedSamples())
                .singleElement()
                .asString()
                .startsWith("spam/archive.mbox:13: no text");
        assertThat(result.skipped()).isEqualTo(3);
        assertThat(result.skippedSamples())
                .anyMatch(s -> s.startsWith("ham/README.md"))
                .anyMatch(s -> s.contains("tmp/"))
                .anyMatch(s -> s.contains(".DS_Store"));
    }

    @Test
    void hugeMboxMessageShouldBeCutNotLoaded() throws IOException {
        StringBuilder mbox =
                new StringBuilder("From a@b Mon Jan  1 00:00:00 2024\nSubject: big\n\n");
        String line = "spam spam spam spam spam spam spam spam spam spam spam spam\n";
        while (mbox.length() < 3_000_000) {
            mbox.append(line);
        }
        mbox.append("\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: small\n\nafter the big one\n");
        write("spam/big.mbox", mbox.toString());
        Files.createDirectories(root.resolve("ham"));

        ReadResult result = MailFolderReader.read(root, LIMITS.withMaxBytes(100_000));

        assertThat(result.examples()).hasSize(2);
        assertThat(result.examples().get(0).text()).startsWith("big\nspam spam");
        assertThat(result.examples().get(0).text().length()).isLessThanOrEqualTo(20_000);
        assertThat(result.examples().get(1).text()).isEqualTo("small\nafter the big one");
    }

    @Test
    void folderWithoutBothSubfoldersShouldFail() throws IOException {
        Files.createDirectories(root.resolve("ham"));
        assertThatThrownBy(() -> MailFolderReader.read(root, LIMITS))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ham/ and a spam/");
    }

    @Test
    void shouldCountAMessageWhoseExtractionThrowsAsMalformedAndReadTheNext() throws IOException {
        write("ham/1.eml", "Subject: one\n\nfirst\n");
        write("ham/2.eml", "Subject: two\n\nsecond\n");
        write("ham/3.eml", "Subject: three\n\nthird\n");
        write(
                "spam/box.mbox",
                "From a@x Mon Jan  1 00:00:00 2024\nSubject: deep\n\nx\n\n"
                        + "From b@x Mon Jan  1 00:00:01 2024\nSubject: fine\n\ncheap\n");
        MailFolderReader.Extractor hostile =
                in -> {
                    String mail = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    if (mail.contains("two")) {
                        throw new IllegalStateException("broken part");
                    }
                    if (mail.contains("deep")) {
                        throw new StackOverflowError();
                    }
                    return MessageText.fromMime(mail.getBytes(StandardCharsets.UTF_8), LIMITS);
                };

        ReadResult result = MailFolderReader.read(root, LIMITS, hostile);

        assertThat(result.examples())
                .extracting(LabelledText::text)
                .containsExactly("one\nfirst", "three\nthird", "fine\ncheap");
        assertThat(result.malformed()).isEqualTo(2);
        assertThat(result.malformedSamples())
                .containsExactly(
                        "ham/2.eml: could not be read (IllegalStateException: broken part)",
                        "spam/box.mbox:1: could not be read (stack overflow: nested or repeated too"
                                + " deeply)");
    }

    @Test
    void shouldRethrowARealOutOfMemoryError() throws IOException {
        write("ham/1.eml", "Subject: one\n\nfirst\n");
        Files.createDirectories(root.resolve("spam"));
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");

        assertThatThrownBy(
                        () ->
                                MailFolderReader.read(
                                        root,
                                        LIMITS,
                                        in -> {
                                            throw oom;
                                        }))
                .isSameAs(oom);
    }
}
