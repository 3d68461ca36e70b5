package dev.spamgpt.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSampleTest {

    @TempDir Path dir;

    @Test
    void pickShouldReadQuotedFieldsWithCommasQuotesAndLineBreaks() throws IOException {
        Path csv =
                write(
                        "label,text\n"
                                + "1,\"WINNER, claim \"\"now\"\"\nline two\"\n"
                                + "0,plain ham\r\n"
                                + "spam,£100 cash\n"
                                + "ham,\"\"\n");
        List<DemoSample.Message> sample = DemoSample.pick(csv, 10, 1);
        assertThat(sample).hasSize(4);
        assertThat(sample)
                .extracting(DemoSample.Message::text)
                .containsExactlyInAnyOrder(
                        "WINNER, claim \"now\"\nline two", "plain ham", "£100 cash", "");
        assertThat(sample)
                .filteredOn(m -> m.text().startsWith("WINNER"))
                .extracting(DemoSample.Message::label)
                .containsExactly("spam");
        assertThat(sample)
                .extracting(DemoSample.Message::id)
                .containsExactly("m001", "m002", "m003", "m004");
    }

    @Test
    void pickShouldBeSeededAndKeepAtMostCount() throws IOException {
        StringBuilder s = new StringBuilder("label,text\n");
        for (int i = 0; i < 50; i++) {
            s.append(i % 2).append(",text ").append(i).append('\n');
        }
        Path csv = write(s.toString());
        List<DemoSample.Message> a = DemoSample.pick(csv, 10, 7);
        assertThat(a).hasSize(10);
        assertThat(DemoSample.pick(csv, 10, 7)).isEqualTo(a);
        assertThat(DemoSample.pick(csv, 10, 8)).isNotEqualTo(a);
    }

    @Test
    void writeThenReadShouldRoundTrip() throws IOException {
        List<DemoSample.Message> sample =
                List.of(
                        new DemoSample.Message("m001", "spam", "a\tb\n\"c\" é"),
                        new DemoSample.Message("m002", "ham", ""));
        Path file = dir.resolve("sample.jsonl");
        DemoSample.write(sample, file);
        assertThat(DemoSample.read(file)).isEqualTo(sample);
    }

    @Test
    void pickShouldNameTheProblemInABadFile() throws IOException {
        assertThatThrownBy(() -> DemoSample.pick(write("text,label\n1,x\n"), 5, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("expected the header label,text");
        assertThatThrownBy(() -> DemoSample.pick(write("label,text\nmaybe,x\n"), 5, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown label 'maybe'");
        assertThatThrownBy(() -> DemoSample.pick(write("label,text\n1,x,y\n"), 5, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("record 2 has 3 fields");
    }

    @Test
    void snippetShouldFlattenAndShorten() {
        assertThat(DemoSample.snippet("a\n b\tc", 10)).isEqualTo("a b c");
        assertThat(DemoSample.snippet("0123456789abc", 10)).isEqualTo("0123456...");
    }

    private Path write(String content) throws IOException {
        Path file = Files.createTempFile(dir, "data", ".csv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
