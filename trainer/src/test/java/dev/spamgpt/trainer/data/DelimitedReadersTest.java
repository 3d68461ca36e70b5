package dev.spamgpt.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DelimitedReadersTest {

    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void smsReaderShouldKeepQuotesAndCountMalformedLines() throws IOException {
        // The first text opens a quote that never closes: CSV quoting would swallow line 2.
        Path file =
                file(
                        "SMSSpamCollection",
                        String.join(
                                        "\n",
                                        "ham\t\"Hello, how are you",
                                        "spam\tWIN \"cash\" now",
                                        "no tab on this line",
                                        "maybe\tunknown label",
                                        "ham\t   ",
                                        "",
                                        "ham\ttabs\tinside\tthe text")
                                + "\n");

        ReadResult result = SmsCollectionReader.read(file);

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("\"Hello, how are you", 0),
                        new LabelledText("WIN \"cash\" now", 1),
                        new LabelledText("tabs\tinside\tthe text", 0));
        assertThat(result.malformed()).isEqualTo(3);
        assertThat(result.malformedSamples())
                .containsExactly(
                        "SMSSpamCollection:3: no TAB between label and text",
                        "SMSSpamCollection:4: label is 'maybe', expected ham or spam",
                        "SMSSpamCollection:5: empty text");
    }

    @Test
    void smsReaderShouldReplaceInvalidUtf8() throws IOException {
        Path file = dir.resolve("SMSSpamCollection");
        Files.write(file, new byte[] {'h', 'a', 'm', '\t', 'o', 'k', (byte) 0xFF, '\n'});
        assertThat(SmsCollectionReader.read(file).examples())
                .containsExactly(new LabelledText("ok\uFFFD", 0));
    }

    @Test
    void tsvShouldAcceptNumericLabelsAndNoHeader() throws IOException {
        ReadResult result =
                DelimitedReader.readTsv(
                        file("d.tsv", "1\tFree entry\r\n0\tsee you \"later\"\r\nSPAM\tloud\r\n"));

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("Free entry", 1),
                        new LabelledText("see you \"later\"", 0),
                        new LabelledText("loud", 1));
        assertThat(result.malformed()).isZero();
    }

    @Test
    void tsvHeaderShouldMapColumnsByName() throws IOException {
        ReadResult result =
                DelimitedReader.readTsv(
                        file(
                                "d.tsv",
                                "id\ttext\tlabel\n"
                                        + "7\thello there\tham\n"
                                        + "8\tcall now\tspam\n"
                                        + "9\tshort\n"));

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("hello there", 0), new LabelledText("call now", 1));
        assertThat(result.malformedSamples()).containsExactly("d.tsv:4: only 2 columns");
    }

    @Test
    void csvShouldHandleQuotedCommasQuotesAndLineBreaks() throws IOException {
        ReadResult result =
                DelimitedReader.readCsv(
                        file(
                                "d.csv",
                                "\uFEFFlabel,text\n"
                                        + "spam,\"Win, win, \"\"win\"\"\nnow\"\n"
                                        + "ham,unquoted text, with a comma\n"
                                        + "x,bad label\n"
                                        + "ham,\"never closed\n"));

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("Win, win, \"win\"\nnow", 1),
                        new LabelledText("unquoted text, with a comma", 0));
        // The text column ends the header, so an unquoted comma does not cut the text.
        assertThat(result.malformed()).isEqualTo(2);
        assertThat(result.malformedSamples().get(0)).startsWith("d.csv:5: label is 'x'");
        assertThat(result.malformedSamples().get(1))
                .startsWith("d.csv:6: a quoted field is never closed");
    }

    @Test
    void csvLikeKaggleSpamCsvShouldUseV1AndV2() throws IOException {
        ReadResult result =
                DelimitedReader.readCsv(
                        file(
                                "spam.csv",
                                "v1,v2,,,\n"
                                        + "ham,\"Go until jurong point, crazy..\",,,\n"
                                        + "spam,Free msg,,,\n"));

        assertThat(result.examples())
                .containsExactly(
                        new LabelledText("Go until jurong point, crazy..", 0),
                        new LabelledText("Free msg", 1));
    }

    @Test
    void headerWithoutKnownColumnsShouldBeAClearError() throws IOException {
        Path file = file("d.csv", "kind,words\nham,hi\n");
        assertThatThrownBy(() -> DelimitedReader.readCsv(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("[kind, words]")
                .hasMessageContaining("label column");
    }

    @Test
    void firstRowThatIsNeitherDataNorHeaderShouldBeMalformed() throws IOException {
        ReadResult result =
                DelimitedReader.readTsv(file("d.tsv", "oops this is a sentence\tx\n0\tok\n"));
        assertThat(result.examples()).containsExactly(new LabelledText("ok", 0));
        assertThat(result.malformed()).isEqualTo(1);
    }

    @Test
    void jsonlShouldReadStringAndNumericLabelsAndCountBadLines() throws IOException {
        ReadResult result =
                JsonlReader.read(
                        file(
                                "d.jsonl",
                                String.join(
                                        "\n",
                                        "{\"text\": \"Free prize\", \"label\": \"spam\", \"id\":"
                                                + " 1}",
                                        "{\"text\": \"lunch?\", \"label\": 0}",
                                        "",
                                        "{\"text\": \"x\", \"label\": 2}",
                                        "{\"label\": 1}",
                                        "[1, 2]",
                                        "{not json",
                                        "{\"text\": \" \", \"label\": 1}")));

        assertThat(result.examples())
                .containsExactly(new LabelledText("Free prize", 1), new LabelledText("lunch?", 0));
        assertThat(result.malformed()).isEqualTo(5);
        assertThat(result.malformedSamples())
                .extracting(s -> s.substring(0, s.indexOf(':', 8)))
                .containsExactly("d.jsonl:4", "d.jsonl:5", "d.jsonl:6", "d.jsonl:7", "d.jsonl:8");
    }

    @Test
    void formatShouldBeDetectedFromNameExtensionLayoutAndContent() throws IOException {
        assertThat(DataFormat.detect(file("SMSSpamCollection", "ham\tx\n")))
                .isEqualTo(DataFormat.SMS);
        assertThat(DataFormat.detect(file("a.csv", "label,text\n"))).isEqualTo(DataFormat.CSV);
        assertThat(DataFormat.detect(file("a.tsv", "ham\tx\n"))).isEqualTo(DataFormat.TSV);
        assertThat(DataFormat.detect(file("a.jsonl", "{}\n"))).isEqualTo(DataFormat.JSONL);
        assertThat(DataFormat.detect(file("a.txt", "\n{\"text\":\"x\"}\n")))
                .isEqualTo(DataFormat.JSONL);
        assertThat(DataFormat.detect(file("b.txt", "spam\tx\n"))).isEqualTo(DataFormat.TSV);
        assertThat(DataFormat.detect(file("c.txt", "spam,x\n"))).isEqualTo(DataFormat.CSV);
        Files.createDirectories(dir.resolve("mail/ham"));
        Files.createDirectories(dir.resolve("mail/spam"));
        assertThat(DataFormat.detect(dir.resolve("mail"))).isEqualTo(DataFormat.MAIL);

        assertThatThrownBy(() -> DataFormat.detect(dir.resolve("mail/ham")))
                .hasMessageContaining("without ham/ and spam/");
        assertThatThrownBy(() -> DataFormat.detect(file("d.txt", "no separators")))
                .hasMessageContaining("--format");
        assertThat(DataFormat.parse("AUTO")).isNull();
        assertThat(DataFormat.parse("Jsonl")).isEqualTo(DataFormat.JSONL);
        assertThatThrownBy(() -> DataFormat.parse("xml"))
                .hasMessageContaining("auto, sms, tsv, csv, jsonl, mail");
    }

    @Test
    void tsvLineOfExactlyTheLimitShouldBeKeptAndOneMoreCharacterMalformed() throws IOException {
        // "ham\t" + 6 characters is 10; CR, LF and CRLF all end a line.
        ReadResult result =
                DelimitedReader.readTsv(
                        file("l.tsv", "ham\tabcdef\rspam\tabcdefg\r\nham\tok\n"), 10);

        assertThat(result.examples())
                .containsExactly(new LabelledText("abcdef", 0), new LabelledText("ok", 0));
        assertThat(result.malformedSamples())
                .containsExactly("l.tsv:2: longer than 10 characters (see --max-line-chars)");
    }

    @Test
    void csvRecordOverTheLimitShouldResumeAfterTheNextLineBreak() throws IOException {
        // The open quote on line 2 passes the limit on line 3; line 4 is read again as a row.
        ReadResult result =
                DelimitedReader.readCsv(
                        file("q.csv", "ham,first\nspam,\"open\nquote goes on\nham,second\n"), 16);

        assertThat(result.examples())
                .containsExactly(new LabelledText("first", 0), new LabelledText("second", 0));
        assertThat(result.malformedSamples())
                .containsExactly("q.csv:2: longer than 16 characters (see --max-line-chars)");
    }

    @Test
    void echoedValuesShouldBeShortAndOnOneLine() throws IOException {
        String label = "x".repeat(500) + "\n";
        ReadResult result =
                SmsCollectionReader.read(
                        file(
                                "SMSSpamCollection",
                                "bad\u0007\nlabel\tok\n" + label.trim() + "\tok\n"));

        assertThat(result.malformedSamples()).hasSize(3);
        assertThat(result.malformedSamples().get(0))
                .isEqualTo("SMSSpamCollection:1: no TAB between label and text");
        assertThat(result.malformedSamples().get(2))
                .startsWith(
                        "SMSSpamCollection:3: label is '"
                                + "x".repeat(80)
                                + "... (500 characters)'")
                .hasSizeLessThan(160);
        assertThat(ReadResult.abbreviate("a\nb\u0007")).isEqualTo("a\\nb\\u0007");
    }
}
