package dev.spamgpt.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.text.MessageText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming readers give what the list readers give, and keep nothing. */
class StreamingReadTest {

    @TempDir Path dir;

    private record Seen(String where, String text, int label) {}

    @Test
    void mailFolderStreamsTheSameMessagesAsTheList() throws IOException {
        Files.createDirectories(dir.resolve("ham"));
        Files.createDirectories(dir.resolve("spam"));
        Files.writeString(dir.resolve("ham/a.eml"), "Subject: lunch\r\n\r\nat noon\r\n");
        Files.writeString(
                dir.resolve("spam/box.mbox"),
                "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nwin\n\n"
                        + "From a@b Mon Jan  1 00:00:01 2024\nContent-Type: image/png\n\nxx\n\n"
                        + "From a@b Mon Jan  1 00:00:02 2024\nSubject: three\n\nprize\n",
                StandardCharsets.UTF_8);
        List<Seen> seen = new ArrayList<>();
        ReadResult streamed =
                MailFolderReader.readAny(
                        dir,
                        MessageText.Limits.defaults(),
                        ReadResult.streaming((w, t, l) -> seen.add(new Seen(w, t, l))));
        ReadResult listed = MailFolderReader.read(dir, MessageText.Limits.defaults());

        assertThat(streamed.examples()).isEmpty();
        assertThat(seen)
                .extracting(s -> new LabelledText(s.text(), s.label()))
                .containsExactlyElementsOf(listed.examples());
        assertThat(seen)
                .extracting(Seen::where)
                .containsExactly("ham/a.eml", "spam/box.mbox#1", "spam/box.mbox#3");
        assertThat(streamed.malformed()).isEqualTo(listed.malformed()).isEqualTo(1);
        assertThat(streamed.malformedSamples().get(0)).startsWith("spam/box.mbox:6");
        assertThat(streamed.count(LabelledText.SPAM)).isEqualTo(2);
    }

    @Test
    void anyFolderOrFileIsUnlabelled() throws IOException {
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/a.eml"), "Subject: hi\r\n\r\nthere\r\n");
        Files.writeString(dir.resolve("loose.txt"), "Subject: loose\r\n\r\nfile\r\n");
        List<Seen> seen = new ArrayList<>();
        ReadResult r =
                MailFolderReader.readAny(
                        dir,
                        MessageText.Limits.defaults(),
                        ReadResult.streaming((w, t, l) -> seen.add(new Seen(w, t, l))));
        assertThat(seen).extracting(Seen::where).containsExactly("inbox/a.eml");
        assertThat(seen).extracting(Seen::label).containsOnly(ReadResult.UNLABELLED);
        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.count(ReadResult.UNLABELLED)).isEqualTo(1);

        seen.clear();
        MailFolderReader.readAny(
                dir.resolve("loose.txt"),
                MessageText.Limits.defaults(),
                ReadResult.streaming((w, t, l) -> seen.add(new Seen(w, t, l))));
        assertThat(seen).extracting(Seen::where).containsExactly("loose.txt");
    }

    @Test
    void whatTheVisitorThrowsEndsTheReadInsteadOfCountingAsMalformed() throws IOException {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "ham,one\nspam,two\n");
        Path jsonl = dir.resolve("d.jsonl");
        Files.writeString(jsonl, "{\"label\":\"ham\",\"text\":\"one\"}\n");
        Files.createDirectories(dir.resolve("mail/ham"));
        Files.createDirectories(dir.resolve("mail/spam"));
        Files.writeString(dir.resolve("mail/spam/x.eml"), "Subject: x\r\n\r\ny\r\n");
        ReadResult.Visitor failing =
                (w, t, l) -> {
                    throw new IllegalStateException("scorer closed");
                };
        assertThatThrownBy(() -> DataFormat.CSV.read(csv, 100, ReadResult.streaming(failing)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("scorer closed");
        assertThatThrownBy(() -> DataFormat.JSONL.read(jsonl, 100, ReadResult.streaming(failing)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(
                        () ->
                                MailFolderReader.readAny(
                                        dir.resolve("mail"),
                                        MessageText.Limits.defaults(),
                                        ReadResult.streaming(failing)))
                .isInstanceOf(IllegalStateException.class);
    }
}
