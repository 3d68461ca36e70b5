package dev.spamgpt.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCsvTest {

    @TempDir Path dir;

    @Test
    void writeThenReadShouldRoundTripAwkwardTexts() throws IOException {
        List<LabelledText> examples =
                List.of(
                        new LabelledText("plain", 0),
                        new LabelledText("comma, inside", 1),
                        new LabelledText("\"quoted\" and \"\"doubled\"\"", 0),
                        new LabelledText("line one\nline two\r\nline three\rend", 1),
                        new LabelledText("  leading and trailing spaces  ", 0),
                        new LabelledText("", 1),
                        new LabelledText("Привет 😀 £5 <|endoftext|>", 0),
                        new LabelledText("ends with a quote\"", 1));
        Path file = dir.resolve("sub/train.csv");

        DatasetCsv.write(file, examples);

        assertThat(DatasetCsv.read(file)).containsExactlyElementsOf(examples);
        String content = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(content).startsWith("label,text\n0,plain\n1,\"comma, inside\"\n");
        assertThat(dir.resolve("sub")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void readShouldAcceptWordLabelsAndBlankLines() throws IOException {
        Path file = dir.resolve("d.csv");
        Files.writeString(file, "label,text\r\nspam,x\r\n\r\nham,y\r\n");
        assertThat(DatasetCsv.read(file))
                .containsExactly(new LabelledText("x", 1), new LabelledText("y", 0));
    }

    @Test
    void readShouldNameTheLineOfABadRecord() throws IOException {
        Path file = dir.resolve("d.csv");
        Files.writeString(file, "label,text\n0,\"two\nlines\"\n7,bad\n");
        assertThatThrownBy(() -> DatasetCsv.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("label must be 0 or 1, got '7'");

        Files.writeString(file, "label,text\n0,a,b\n");
        assertThatThrownBy(() -> DatasetCsv.read(file)).hasMessageContaining("expected 2 fields");

        Files.writeString(file, "text,label\n");
        assertThatThrownBy(() -> DatasetCsv.read(file)).hasMessageContaining("first line must be");

        Files.writeString(file, "");
        assertThatThrownBy(() -> DatasetCsv.read(file)).hasMessageContaining("empty");

        Files.write(
                file,
                new byte[] {
                    'l',
                    'a',
                    'b',
                    'e',
                    'l',
                    ',',
                    't',
                    'e',
                    'x',
                    't',
                    '\n',
                    '0',
                    ',',
                    (byte) 0xFF,
                    '\n'
                });
        assertThatThrownBy(() -> DatasetCsv.read(file)).hasMessageContaining("not UTF-8");
    }
}
