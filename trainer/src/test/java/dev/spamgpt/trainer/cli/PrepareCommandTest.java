package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.testing.CraftedMail;
import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareCommandTest {

    @TempDir Path dir;

    /** Runs {@code prepare}, which must succeed. */
    private static CliRun prepared(Path data, Path outDir, String... options) {
        CliRun run = CliRun.prepare(data, outDir, options);
        assertThat(run.code).as(run.toString()).isZero();
        return run;
    }

    /** A TSV of 40 ham and 12 spam lines, plus one malformed line. */
    private Path smallTsv() throws IOException {
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            tsv.append("ham\tsee you at ").append(i).append(", ok?\n");
        }
        for (int i = 0; i < 12; i++) {
            tsv.append("spam\tWIN \"£").append(i).append("000\" now\n");
        }
        tsv.append("broken line without a tab\n");
        Path file = dir.resolve("mine.tsv");
        Files.writeString(file, tsv);
        return file;
    }

    private static JsonNode manifest(Path outDir) throws IOException {
        return new ObjectMapper().readTree(outDir.resolve("dataset.json").toFile());
    }

    /** Checks the sizes of the three split files, and returns all their examples. */
    private static List<LabelledText> splits(Path outDir, int train, int validation, int test)
            throws IOException {
        List<LabelledText> all = new ArrayList<>(split(outDir, "train", train));
        all.addAll(split(outDir, "validation", validation));
        all.addAll(split(outDir, "test", test));
        return all;
    }

    private static List<LabelledText> split(Path outDir, String name, int size) throws IOException {
        List<LabelledText> rows = DatasetCsv.read(outDir.resolve(name + ".csv"));
        assertThat(rows).as(name).hasSize(size);
        return rows;
    }

    @Test
    void prepareShouldBalanceSplitAndWriteFiles() throws IOException {
        Path outDir = dir.resolve("out");

        CliRun run = prepared(smallTsv(), outDir);

        // 24 balanced examples: int(24 * 0.7) = 16, int(24 * 0.1) = 2, 6 left.
        List<LabelledText> all = splits(outDir, 16, 2, 6);
        assertThat(all.stream().filter(e -> e.label() == 1)).hasSize(12);
        assertThat(new HashSet<>(all)).hasSize(24);
        assertThat(all).anyMatch(e -> e.text().equals("WIN \"£3000\" now"));

        JsonNode manifest = manifest(outDir);
        assertThat(manifest.get("format").asText()).isEqualTo("tsv");
        assertThat(manifest.get("malformed").asInt()).isEqualTo(1);
        assertThat(manifest.get("label_map").toString())
                .isEqualTo("{\"0\":\"ham\",\"1\":\"spam\"}");
        assertThat(manifest.get("seed").asLong()).isEqualTo(123);
        assertThat(manifest.get("read").get("ham").asInt()).isEqualTo(40);
        assertThat(manifest.get("splits").get("train").get("total").asInt()).isEqualTo(16);
        assertThat(manifest.get("source_sha256").asText()).hasSize(64);
        assertThat(manifest.get("files").get("train.csv").asText()).hasSize(64);

        assertThat(run.out)
                .contains("Read 52 examples (40 ham, 12 spam)")
                .contains("1 malformed")
                .containsPattern("train\\s+\\d+\\s+\\d+\\s+16")
                .containsPattern("all\\s+12\\s+12\\s+24");
        assertThat(run.err).contains("1 malformed record(s)").contains("mine.tsv:53");
    }

    @Test
    void sameSeedShouldGiveTheSameFilesAndAnotherSeedOthers() throws IOException {
        Path data = smallTsv();
        CliRun.prepare(data, dir.resolve("a"));
        CliRun.prepare(data, dir.resolve("b"));
        CliRun.prepare(data, dir.resolve("c"), "--seed", "7");

        assertThat(dir.resolve("a/train.csv")).hasSameBinaryContentAs(dir.resolve("b/train.csv"));
        assertThat(Files.readString(dir.resolve("c/train.csv")))
                .isNotEqualTo(Files.readString(dir.resolve("a/train.csv")));
    }

    @Test
    void noBalanceShouldKeepEveryExample() throws IOException {
        Path outDir = dir.resolve("out");
        prepared(smallTsv(), outDir, "--no-balance");
        assertThat(manifest(outDir).get("splits").get("train").get("total").asInt()).isEqualTo(36);
        assertThat(manifest(outDir).get("balanced").asBoolean()).isFalse();
    }

    @Test
    void jsonlAndMailFoldersShouldBePrepared() throws IOException {
        Path jsonl = dir.resolve("d.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"text\":\"msg ")
                    .append(i)
                    .append("\",\"label\":")
                    .append(i % 2)
                    .append("}\n");
        }
        Files.writeString(jsonl, lines);
        prepared(jsonl, dir.resolve("j"));
        assertThat(manifest(dir.resolve("j")).get("read").get("total").asInt()).isEqualTo(10);

        Path mail = dir.resolve("mail");
        for (int i = 0; i < 5; i++) {
            Files.createDirectories(mail.resolve("ham"));
            Files.createDirectories(mail.resolve("spam"));
            Files.writeString(
                    mail.resolve("ham/" + i + ".eml"), "Subject: hi " + i + "\r\n\r\nok\r\n");
            Files.writeString(
                    mail.resolve("spam/" + i + ".eml"),
                    "Subject: win " + i + "\r\nContent-Type: text/html\r\n\r\n<b>prize</b>\r\n");
        }
        prepared(mail, dir.resolve("m"));
        JsonNode manifest = manifest(dir.resolve("m"));
        assertThat(manifest.get("format").asText()).isEqualTo("mail");
        assertThat(manifest.get("read").get("spam").asInt()).isEqualTo(5);
        assertThat(DatasetCsv.read(dir.resolve("m/test.csv")).get(0).text())
                .matches("(hi|win) \\d\n(ok|prize)");
    }

    @Test
    void mailFolderWithBombsShouldBePreparedAndTheBombsReadOrCountedAsMalformed()
            throws IOException {
        Path mail = dir.resolve("mail");
        Files.createDirectories(mail.resolve("ham"));
        Files.createDirectories(mail.resolve("spam"));
        for (int i = 0; i < 4; i++) {
            Files.write(
                    mail.resolve("ham/" + i + ".eml"),
                    CraftedMail.bytes(CraftedMail.ham("lunch " + i)));
            Files.writeString(
                    mail.resolve("spam/" + i + ".eml"),
                    "Subject: win " + i + "\r\n\r\nclaim your prize\r\n");
        }
        Files.write(mail.resolve("spam/qp.eml"), CraftedMail.bytes(CraftedMail.qpBomb()));
        Files.write(
                mail.resolve("spam/qp-multipart.eml"),
                CraftedMail.bytes(CraftedMail.qpMultipartBomb()));
        Files.write(mail.resolve("spam/fold.eml"), CraftedMail.bytes(CraftedMail.foldBomb()));
        // The same bombs inside an mbox: one message of a file must not stop the rest of it.
        String mbox =
                "From a@example.org Mon Jan  1 00:00:00 2024\r\n"
                        + CraftedMail.qpBomb()
                        + "\r\n"
                        + "From b@example.org Mon Jan  1 00:00:01 2024\r\n"
                        + "Subject: cheap pills\r\n\r\nbuy now\r\n";
        Files.write(mail.resolve("spam/box.mbox"), CraftedMail.bytes(mbox));
        Path outDir = dir.resolve("m");

        CliRun run = prepared(mail, outDir, "--no-balance");

        JsonNode manifest = manifest(outDir);
        int read = manifest.get("read").get("total").asInt();
        int malformed = manifest.get("malformed").asInt();
        // 4 hams, 4 plain spams and the second mbox message are ordinary: all are read.
        assertThat(manifest.get("read").get("ham").asInt()).isEqualTo(4);
        assertThat(manifest.get("read").get("spam").asInt()).isGreaterThanOrEqualTo(5);
        // Every bomb is either read or counted as malformed: none is lost, none stops prepare.
        assertThat(read + malformed).isEqualTo(13);
        if (malformed > 0) {
            assertThat(run.err).contains("malformed record(s)");
        }
    }

    /** Writes a bad record, or the start of one, into a data file. */
    @FunctionalInterface
    private interface BadRecord {
        void write(BufferedWriter out) throws IOException;
    }

    /** A data file of twenty good records, the bad record, and twenty good records again. */
    private Path betweenGoodRecords(String name, String separator, BadRecord bad)
            throws IOException {
        Path file = dir.resolve(name);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            goodRecords(out, separator);
            bad.write(out);
            goodRecords(out, separator);
        }
        return file;
    }

    /** Ten ham and ten spam records, in CSV or TSV. */
    private static void goodRecords(BufferedWriter out, String separator) throws IOException {
        for (int i = 0; i < 10; i++) {
            out.write("ham" + separator + "see you at " + i + "\n");
            out.write("spam" + separator + "WIN " + i + " now\n");
        }
    }

    /** Writes {@code count} copies of {@code c} without holding them in memory. */
    private static void repeat(BufferedWriter out, char c, long count) throws IOException {
        char[] chunk = new char[1 << 16];
        java.util.Arrays.fill(chunk, c);
        for (long left = count; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
    }

    @Test
    void tsvLineLongerThanTheLimitShouldBeMalformedAndReadingGoOn() throws IOException {
        Path tsv =
                betweenGoodRecords(
                        "long.tsv",
                        "\t",
                        out -> {
                            out.write("spam\t");
                            repeat(out, 'x', 3L << 20);
                            out.write("\n");
                        });

        CliRun run = prepared(tsv, dir.resolve("o"));

        JsonNode manifest = manifest(dir.resolve("o"));
        assertThat(manifest.get("read").get("total").asInt()).isEqualTo(40);
        assertThat(manifest.get("malformed").asInt()).isEqualTo(1);
        assertThat(manifest.get("malformed_examples").get(0).asText())
                .isEqualTo("long.tsv:21: longer than 1048576 characters (see --max-line-chars)");
        assertThat(run.out).contains("1 malformed");
    }

    @Test
    void unclosedCsvQuoteShouldEndAtTheLimitAndReadingResumeAtTheNextLine() throws IOException {
        Path csv =
                betweenGoodRecords(
                        "open.csv",
                        ",",
                        out -> {
                            out.write("spam,\"this quote is never closed\n");
                            for (int i = 0; i < 3000; i++) {
                                repeat(out, 'q', 999);
                                out.write("\n");
                            }
                        });

        prepared(csv, dir.resolve("o"), "--no-balance");

        JsonNode manifest = manifest(dir.resolve("o"));
        // Both sets of good records are read: the open quote swallows at most the limit.
        assertThat(manifest.get("read").get("total").asInt()).isEqualTo(40);
        assertThat(manifest.get("malformed_examples").get(0).asText())
                .isEqualTo("open.csv:21: longer than 1048576 characters (see --max-line-chars)");
        // The q-lines after the limit are read as rows of their own and have no label.
        assertThat(manifest.get("malformed").asInt()).isGreaterThan(1).isLessThan(3001);
    }

    @Test
    void hugeUnclosedCsvQuoteShouldNotExhaustTheHeap() throws IOException {
        Path csv =
                betweenGoodRecords(
                        "huge.csv",
                        ",",
                        out -> {
                            out.write("spam,\"");
                            repeat(out, 'z', 64L << 20);
                            out.write("\n");
                        });

        prepared(csv, dir.resolve("o"));

        JsonNode manifest = manifest(dir.resolve("o"));
        assertThat(manifest.get("read").get("total").asInt()).isEqualTo(40);
        assertThat(manifest.get("malformed").asInt()).isEqualTo(1);
    }

    @Test
    void hugeJsonlLabelShouldBeAbbreviatedInTheReportAndTheManifest() throws IOException {
        Path jsonl = dir.resolve("label.jsonl");
        try (BufferedWriter out = Files.newBufferedWriter(jsonl)) {
            for (int i = 0; i < 10; i++) {
                out.write("{\"text\":\"msg " + i + "\",\"label\":" + i % 2 + "}\n");
            }
            out.write("{\"text\":\"big\",\"label\":[0");
            for (int i = 1; i < 200_000; i++) {
                out.write(",0");
            }
            out.write("]}\n");
        }

        CliRun run = prepared(jsonl, dir.resolve("o"));

        assertThat(run.err).contains("label.jsonl:11: \"label\" is [0,0,0");
        assertThat(run.err.length()).isLessThan(1000);
        String sample = manifest(dir.resolve("o")).get("malformed_examples").get(0).asText();
        assertThat(sample).startsWith("label.jsonl:11: \"label\" is [0,0,0").hasSizeLessThan(200);
    }

    @Test
    void emptyOrOneClassDataShouldBeAClearUsageError() throws IOException {
        Path empty = dir.resolve("empty.tsv");
        Files.writeString(empty, "not data\n");
        CliRun noExamples = CliRun.prepare(empty, dir.resolve("o"));
        assertThat(noExamples.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(noExamples.err).contains("no usable examples").contains("1 malformed");

        Path hamOnly = dir.resolve("ham.tsv");
        Files.writeString(hamOnly, "ham\ta\nham\tb\n");
        CliRun oneClass = CliRun.prepare(hamOnly, dir.resolve("o"));
        assertThat(oneClass.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(oneClass.err).contains("only one class").contains("2 ham and 0 spam");
        assertThat(dir.resolve("o/train.csv")).doesNotExist();
    }

    @Test
    void badArgumentsShouldBeUsageErrors() {
        CliRun missing = CliRun.of("prepare", "--data", dir.resolve("missing.tsv").toString());
        assertThat(missing.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missing.err).contains("missing.tsv does not exist");

        CliRun xml = CliRun.of("prepare", "--data", dir.toString(), "--format", "xml");
        assertThat(xml.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(xml.err).contains("unknown format 'xml'");
    }

    @Test
    void smsFormatShouldVerifyTheHashUnlessTold() throws IOException {
        Path fake = dir.resolve("SMSSpamCollection");
        Files.writeString(fake, "ham\thello\nspam\tWIN now\nham\tbye\nspam\tFREE\n");

        CliRun verified = CliRun.prepare(fake, dir.resolve("o"));
        assertThat(verified.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(verified.err)
                .contains("sha256")
                .contains("7d039a24a6083ed9")
                .contains("--no-verify");

        prepared(fake, dir.resolve("o"), "--no-verify");
        assertThat(manifest(dir.resolve("o")).get("format").asText()).isEqualTo("sms");
    }

    /** {@code prepare --url URL --cache-dir CACHE --out DIR/o}, then the options. */
    private CliRun download(String url, Path cache, String... options) {
        String out = dir.resolve("o").toString();
        String[] args = {"prepare", "--url", url, "--cache-dir", cache.toString(), "--out", out};
        return CliRun.of(CliRun.concat(args, options));
    }

    @Test
    void withoutDataShouldDownloadTheZipIntoTheCacheOnce() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hub/sms"));
        Files.write(
                folder.resolve("sms.zip"),
                zipWith(
                        "smsspamcollection/SMSSpamCollection",
                        "ham\thi\nspam\tWIN\nham\tyo\nspam\tCASH\nham\tok\n"));
        try (LocalHub hub = new LocalHub().serve("uci", folder)) {
            String url = hub.url() + "/uci/resolve/main/sms.zip";
            Path cache = dir.resolve("cache");

            // This is not the real collection, so its hash check fails and nothing is kept...
            CliRun verified = download(url, cache);
            assertThat(verified.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(verified.err)
                    .contains("UCI SMS Spam Collection v.1")
                    .contains("--no-verify")
                    .contains("deleted");
            assertThat(filesIn(cache)).isEmpty();
            // ...and passes with --no-verify, downloading it again.
            CliRun unverified = download(url, cache, "--no-verify");
            assertThat(unverified.code).as(unverified.toString()).isZero();
            // The next run reuses the extracted file.
            CliRun again = download(url, cache, "--no-verify");
            assertThat(again.code).as(again.toString()).isZero();

            assertThat(hub.requests()).hasSize(2);
            assertThat(cache.resolve("SMSSpamCollection")).exists();
            JsonNode manifest = manifest(dir.resolve("o"));
            assertThat(manifest.get("source_url").asText()).isEqualTo(url);
            assertThat(manifest.get("read").get("total").asInt()).isEqualTo(5);
        }
    }

    /** A zip whose SMSSpamCollection inflates to 1 GiB, written without holding it in memory. */
    private Path zipBomb() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hub/sms"));
        Path zip = folder.resolve("sms.zip");
        byte[] chunk =
                "ham\thello hello hello hello\n"
                        .repeat(1 << 16)
                        .substring(0, 1 << 20)
                        .getBytes(StandardCharsets.US_ASCII);
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.setLevel(9);
            out.putNextEntry(new ZipEntry("SMSSpamCollection"));
            for (int i = 0; i < 1024; i++) {
                out.write(chunk);
            }
        }
        return zip;
    }

    /** The most bytes seen in the files under a folder while {@code body} ran. */
    private static long watchSize(Path folder, Runnable body) throws InterruptedException {
        AtomicLong most = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher =
                new Thread(
                        () -> {
                            while (!done.get()) {
                                most.accumulateAndGet(sizeOf(folder), Math::max);
                                Thread.onSpinWait();
                            }
                        });
        watcher.start();
        try {
            body.run();
        } finally {
            done.set(true);
            watcher.join();
        }
        return Math.max(most.get(), sizeOf(folder));
    }

    private static long sizeOf(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.mapToLong(
                            f -> {
                                try {
                                    return Files.isRegularFile(f) ? Files.size(f) : 0;
                                } catch (IOException e) {
                                    return 0; // deleted while we looked
                                }
                            })
                    .sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void zipBombShouldBeRefusedAfterTheExtractionLimitAndLeaveNothingInTheCache() throws Exception {
        Path bomb = zipBomb();
        Path cache = Files.createDirectories(dir.resolve("cache"));
        try (LocalHub hub = new LocalHub().serve("uci", bomb.getParent())) {
            String url = hub.url() + "/uci/resolve/main/sms.zip";
            CliRun[] run = new CliRun[1];

            long most = watchSize(cache, () -> run[0] = download(url, cache));

            assertThat(run[0].code).as(run[0].toString()).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(run[0].err)
                    .contains("more than 10485760 bytes")
                    .contains(
                            "deleted " + cache.resolve("sms+spam+collection.zip").toAbsolutePath());
            assertThat(most)
                    .as("bytes in the cache at any time")
                    .isLessThanOrEqualTo(Files.size(bomb) + (11L << 20));
            assertThat(filesIn(cache)).isEmpty();

            // Nothing bad is reused: the next run downloads again.
            CliRun again = download(url, cache);
            assertThat(again.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(hub.requests()).hasSize(2);
            assertThat(filesIn(cache)).isEmpty();
        }
    }

    @Test
    void zipEntryThatEscapesItsFolderShouldNotBeUsed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hub/sms"));
        Files.write(
                folder.resolve("sms.zip"), zipWith("../SMSSpamCollection", "ham\thi\nspam\tWIN\n"));
        Path cache = dir.resolve("cache");
        try (LocalHub hub = new LocalHub().serve("uci", folder)) {
            CliRun run = download(hub.url() + "/uci/resolve/main/sms.zip", cache, "--no-verify");

            assertThat(run.code).as(run.toString()).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(run.err).contains("holds no SMSSpamCollection");
            assertThat(filesIn(cache)).isEmpty();
            assertThat(dir.resolve("SMSSpamCollection")).doesNotExist();
        }
    }

    @Test
    void unreachableDownloadShouldSayWhatToFetchByHand() throws IOException {
        String url = LocalHub.deadUrl() + "/sms.zip";
        Path cache = dir.resolve("cache");

        CliRun run = CliRun.of("prepare", "--url", url, "--cache-dir", cache.toString());
        assertThat(run.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(run.err)
                .contains("fetch " + url + " by hand")
                .contains(cache.resolve("sms+spam+collection.zip").toAbsolutePath().toString())
                .contains("--data");
    }

    @Test
    void realSmsCollectionShouldGiveTheBookSplit() throws IOException {
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        assumeTrue(sms != null, "skipped: " + SharedData.notFound(SharedData.SMS_COLLECTION));
        Path outDir = dir.resolve("sms");

        prepared(sms, outDir);

        JsonNode manifest = manifest(outDir);
        assertThat(manifest.get("read").get("total").asInt()).isEqualTo(5574);
        assertThat(manifest.get("read").get("spam").asInt()).isEqualTo(747);
        assertThat(manifest.get("malformed").asInt()).isZero();
        List<LabelledText> all = splits(outDir, 1045, 149, 300);
        assertThat(all.stream().filter(e -> e.label() == LabelledText.SPAM)).hasSize(747);
        assertThat(all.stream().filter(e -> e.label() == LabelledText.HAM)).hasSize(747);
        Set<String> spamTexts = new HashSet<>();
        all.stream().filter(e -> e.label() == 1).forEach(e -> spamTexts.add(e.text()));
        // The collection has duplicate messages, so distinct texts are fewer than 747.
        assertThat(spamTexts).hasSizeGreaterThan(600);
    }

    private static byte[] zipWith(String name, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("readme"));
            zip.write("readme".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
