package dev.spamgpt.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.bundle.DataDomain;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.core.util.TempFiles;
import dev.spamgpt.trainer.data.Balancing;
import dev.spamgpt.trainer.data.DataFormat;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.DatasetSplit;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import dev.spamgpt.trainer.data.SmsCollectionReader;
import dev.spamgpt.trainer.download.HttpDownload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code prepare}: reads labelled messages, balances them, splits them 70/10/20 and writes {@code
 * train.csv}, {@code validation.csv}, {@code test.csv} and {@code dataset.json}.
 */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        header = "Builds the train/validation/test CSV files from labelled messages.",
        description = {
            "Reads the UCI SMS Spam Collection (downloaded into the cache unless --data is"
                    + " given) or your own labelled data: a TSV/CSV file of label and text, JSONL"
                    + " with text and label, or a folder with ham/ and spam/ subfolders of .eml"
                    + " files, Maildir folders or mbox files.",
            "Ham is undersampled to the spam count (seeded), the result is shuffled and split"
                    + " 70/10/20, as in chapter 6 of \"Build a Large Language Model (From"
                    + " Scratch)\"."
        })
public final class PrepareCommand implements Callable<Integer> {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] SPLITS = {"train", "validation", "test"};

    /**
     * The most bytes extracted from the SMS zip: the real collection is about 500 KB, so more than
     * this is a zip bomb or another file.
     */
    static final long MAX_EXTRACTED_BYTES = 10L << 20;

    /** The most bytes downloaded for the SMS zip (the real one is about 200 KB). */
    static final long MAX_ZIP_BYTES = 16L << 20;

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "PATH",
            description =
                    "A labelled file or mail folder. Default: download the SMS Spam"
                            + " Collection.")
    private Path data;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "auto",
            description =
                    "auto, sms, tsv, csv, jsonl or mail (default: ${DEFAULT-VALUE}, from the"
                            + " extension or the folder layout).")
    private String format;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "work/data",
            description = "Where the CSV files and dataset.json go (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.cache/spamgpt",
            description =
                    "Where the downloaded SMS collection (and, under datasets/, a public mail"
                            + " corpus) is kept (default: ${DEFAULT-VALUE}).")
    private Path cacheDir;

    @Option(
            names = "--url",
            paramLabel = "URL",
            defaultValue = SmsCollectionReader.URL,
            description =
                    "Where to download the SMS collection zip from (default: ${DEFAULT-VALUE}).")
    private String url;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "123",
            description =
                    "Seed of the balancing sample and the split shuffle (default:"
                            + " ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--no-balance",
            description = "Keep every example instead of undersampling ham.")
    private boolean noBalance;

    @Option(
            names = "--max-line-chars",
            paramLabel = "N",
            defaultValue = "" + ReadResult.DEFAULT_MAX_LINE_CHARS,
            description =
                    "Longest line of a TSV, JSONL or SMS file, or record of a CSV file (its quoted"
                        + " line breaks included), in characters (default: ${DEFAULT-VALUE}). A"
                        + " longer one is counted as malformed and reading goes on at the next"
                        + " line; for CSV, at the first line break after the limit, so a quote that"
                        + " is never closed costs at most this many characters.")
    private int maxLineChars;

    @Option(
            names = "--no-verify",
            description = "Use an SMS collection file whose SHA-256 differs from the UCI release.")
    private boolean noVerify;

    @Option(
            names = "--source",
            paramLabel = "KIND:SPEC[,cap=N][,weight=W]",
            description = {
                "A source of examples; repeat it to mix sources. KIND is sms (SPEC: the file, or"
                    + " nothing to download it), mail (a folder with ham/ and spam/), tsv, csv,"
                    + " jsonl (labelled files), feedback (a feedback folder, or"
                    + " kafka:TOPIC@HOST:PORT), or spamassassin (the public corpus; SPEC: a"
                    + " mirror's URL, or nothing for its site). cap=N keeps a seeded sample of at"
                    + " most N of its examples; weight=W scales its share of the training split"
                    + " only (2 repeats its examples, 0.5 keeps half); domain=sms|mail names the"
                    + " domain of a text file.",
                "The same text from two sources is used once. dataset.json records each source,"
                        + " and the data domain of the whole (sms, mail or mixed), which train"
                        + " copies into the bundle.",
                "Example: --source feedback:/var/james/spamgpt-feedback --source"
                        + " mail:~/mail-export,cap=5000 --source sms,weight=0.5"
            })
    private List<String> sourceSpecs = new ArrayList<>();

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description =
                    "A public corpus to add as a source: spamassassin (the SpamAssassin public"
                        + " corpus, the newest archive of each of easy_ham, easy_ham_2, hard_ham,"
                        + " spam and spam_2, downloaded from"
                        + " https://spamassassin.apache.org/old/publiccorpus/ into --cache-dir,"
                        + " checked and extracted safely). The same as --source spamassassin.")
    private String dataset;

    @Option(
            names = "--feedback-known",
            paramLabel = "skip|keep",
            defaultValue = "skip",
            description =
                    "Reports that agree with the verdict the message got at delivery teach"
                            + " nothing new: skip them or keep them (default: ${DEFAULT-VALUE}).")
    private String feedbackKnown;

    @Option(
            names = "--feedback-daily-cap",
            paramLabel = "N",
            defaultValue = "50",
            description = "Most feedback reports per user per UTC day (default: ${DEFAULT-VALUE}).")
    private int feedbackDailyCap;

    @Option(
            names = "--feedback-user-share",
            paramLabel = "F",
            defaultValue = "0.2",
            description =
                    "Most share of a feedback source's examples one user may give, but never"
                            + " fewer than --feedback-share-floor (default: ${DEFAULT-VALUE}).")
    private double feedbackUserShare;

    @Option(
            names = "--feedback-share-floor",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "Each user may give this many feedback examples whatever the share"
                            + " (default: ${DEFAULT-VALUE}).")
    private int feedbackShareFloor;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (dataset != null) {
            if (!dataset.trim().equalsIgnoreCase("spamassassin")) {
                throw new CliException(
                        SpamGptCli.EXIT_USAGE, "--dataset knows spamassassin only, got " + dataset);
            }
            sourceSpecs.add("spamassassin");
        }
        if (!sourceSpecs.isEmpty()) {
            return new MultiSourcePrepare(this, stdout, stderr).run();
        }

        if (maxLineChars < 1) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "--max-line-chars must be at least 1," + " got " + maxLineChars);
        }
        Path source = data != null ? data : downloadSmsCollection(stderr);
        DataFormat kind = formatOf(source);
        String sourceSha = digest(source);
        if (kind == DataFormat.SMS) {
            verifySms(source, sourceSha);
        }

        ReadResult read;
        try {
            read = kind.read(source, maxLineChars);
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "cannot read " + source + ": " + e.getMessage(), e);
        }
        report(read, stderr);
        long ham = read.count(LabelledText.HAM);
        long spam = read.count(LabelledText.SPAM);
        if (ham + spam == 0) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "no usable examples in "
                            + source
                            + " (format "
                            + kind.cliName()
                            + ", "
                            + read.malformed()
                            + " malformed)");
        }
        if (ham == 0 || spam == 0) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "only one class in "
                            + source
                            + ": "
                            + ham
                            + " ham and "
                            + spam
                            + " spam; a classifier needs examples of both");
        }

        List<LabelledText> examples =
                noBalance ? read.examples() : Balancing.undersample(read.examples(), seed);
        DatasetSplit split = DatasetSplit.of(examples, seed);
        Map<String, List<LabelledText>> parts = new LinkedHashMap<>();
        parts.put("train", split.train());
        parts.put("validation", split.validation());
        parts.put("test", split.test());

        Files.createDirectories(out);
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<LabelledText>> part : parts.entrySet()) {
            Path file = out.resolve(part.getKey() + ".csv");
            DatasetCsv.write(file, part.getValue());
            files.put(file.getFileName().toString(), Sha256.ofFile(file));
        }
        writeManifest(source, kind, sourceSha, read, parts, files);

        stdout.printf(
                "Read %d examples (%d ham, %d spam) from %s [%s], %d malformed%s.%n",
                ham + spam,
                ham,
                spam,
                source,
                kind.cliName(),
                read.malformed(),
                read.skipped() > 0 ? ", " + read.skipped() + " files skipped" : "");
        stdout.println(
                noBalance
                        ? "Not balanced."
                        : "Balanced by undersampling to "
                                + examples.size() / 2
                                + " ham + "
                                + examples.size() / 2
                                + " spam (seed "
                                + seed
                                + ").");
        stdout.print(table(parts));
        stdout.println(
                "Wrote "
                        + Stream.concat(files.keySet().stream(), Stream.of("dataset.json"))
                                .collect(Collectors.joining(", "))
                        + " to "
                        + out);
        stdout.flush();
        return SpamGptCli.EXIT_OK;
    }

    // The settings MultiSourcePrepare shares with the one-source path.
    List<String> sourceSpecs() {
        return sourceSpecs;
    }

    Path data() {
        return data;
    }

    Path out() {
        return out;
    }

    Path cacheDir() {
        return cacheDir;
    }

    long seed() {
        return seed;
    }

    boolean noBalance() {
        return noBalance;
    }

    int maxLineChars() {
        return maxLineChars;
    }

    String feedbackKnown() {
        return feedbackKnown;
    }

    int feedbackDailyCap() {
        return feedbackDailyCap;
    }

    double feedbackUserShare() {
        return feedbackUserShare;
    }

    int feedbackShareFloor() {
        return feedbackShareFloor;
    }

    private DataFormat formatOf(Path source) {
        if (!Files.exists(source)) {
            throw new CliException(SpamGptCli.EXIT_USAGE, source + " does not exist");
        }
        try {
            DataFormat chosen = DataFormat.parse(format);
            if (data == null) {
                if (chosen != null && chosen != DataFormat.SMS) {
                    throw new CliException(
                            SpamGptCli.EXIT_USAGE,
                            "--format "
                                    + format
                                    + " needs --data; without it prepare downloads the SMS"
                                    + " collection");
                }
                return DataFormat.SMS;
            }
            return chosen != null ? chosen : DataFormat.detect(source);
        } catch (IllegalArgumentException | IOException e) {
            throw new CliException(SpamGptCli.EXIT_USAGE, e.getMessage(), e);
        }
    }

    /**
     * Downloads the UCI zip into the cache (once) and extracts the collection from it. The
     * extraction is bounded ({@link #MAX_EXTRACTED_BYTES}) and checked (its SHA-256, unless {@code
     * --no-verify}) before it replaces anything; whatever fails, the zip and the extracted bytes
     * are deleted, so the next run downloads again instead of failing the same way.
     */
    Path downloadSmsCollection(PrintWriter stderr) throws IOException {
        Path file = cacheDir.resolve(SmsCollectionReader.FILE_NAME);
        if (Files.isRegularFile(file)
                && (noVerify || Sha256.ofFile(file).equals(SmsCollectionReader.SHA256))) {
            return file;
        }
        Path zip = cacheDir.resolve("sms+spam+collection.zip");
        stderr.println("Downloading the SMS Spam Collection from " + url);
        stderr.flush();
        try {
            HttpDownload.create().fetch(url, zip, null, MAX_ZIP_BYTES);
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    e.getMessage()
                            + " Alternatively,"
                            + " unzip it yourself and pass the SMSSpamCollection file with --data.",
                    e);
        }
        Path temp = TempFiles.sibling(file);
        try {
            extract(zip, temp);
            if (!noVerify) {
                String sha = Sha256.ofFile(temp);
                if (!sha.equals(SmsCollectionReader.SHA256)) {
                    throw new IOException(
                            "its "
                                    + SmsCollectionReader.FILE_NAME
                                    + " has sha256 "
                                    + sha
                                    + ", but the UCI SMS Spam Collection v.1 has "
                                    + SmsCollectionReader.SHA256
                                    + " (pass --no-verify to use another"
                                    + " file anyway)");
                }
            }
            Files.move(
                    temp,
                    file,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            List<String> deleted = new ArrayList<>();
            for (Path bad : List.of(zip, file)) {
                if (Files.deleteIfExists(bad)) {
                    deleted.add(bad.toAbsolutePath().toString());
                }
            }
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    "refused the zip from "
                            + url
                            + ": "
                            + e.getMessage()
                            + "; deleted "
                            + (deleted.isEmpty() ? "nothing" : String.join(" and ", deleted))
                            + " and the extracted bytes, so"
                            + " running prepare again downloads the zip again.",
                    e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Copies the collection out of the zip: the first entry named {@code SMSSpamCollection} (at any
     * depth, but never with an absolute path or a {@code ..} part), at most {@link
     * #MAX_EXTRACTED_BYTES} bytes of it. The entry name only selects the entry; the output path is
     * ours.
     */
    static void extract(Path zip, Path target) throws IOException {
        try (ZipFile archive = new ZipFile(zip.toFile())) {
            ZipEntry chosen =
                    archive.stream()
                            .filter(e -> !e.isDirectory() && isCollectionEntry(e.getName()))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "it holds no "
                                                            + SmsCollectionReader.FILE_NAME
                                                            + " file"));
            try (InputStream in = archive.getInputStream(chosen);
                    OutputStream out =
                            Files.newOutputStream(
                                    target,
                                    StandardOpenOption.CREATE_NEW,
                                    StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[1 << 16];
                long written = 0;
                int n;
                while ((n = in.read(buffer)) != -1) {
                    if (written + n > MAX_EXTRACTED_BYTES) {
                        throw new IOException(
                                "its "
                                        + chosen.getName()
                                        + " inflates to more than "
                                        + MAX_EXTRACTED_BYTES
                                        + " bytes (the real collection is about"
                                        + " 500 KB), so it is not the SMS Spam Collection");
                    }
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
        }
    }

    private static boolean isCollectionEntry(String name) {
        String[] parts = name.split("[/\\\\]", -1);
        if (name.startsWith("/") || name.startsWith("\\") || name.contains(":")) {
            return false;
        }
        for (String part : parts) {
            if (part.equals("..")) {
                return false;
            }
        }
        return parts[parts.length - 1].equals(SmsCollectionReader.FILE_NAME);
    }

    private void writeManifest(
            Path source,
            DataFormat kind,
            String sourceSha,
            ReadResult read,
            Map<String, List<LabelledText>> parts,
            Map<String, String> files)
            throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("source", source.toAbsolutePath().normalize().toString());
        if (data == null) {
            manifest.put("source_url", url);
        }
        manifest.put("source_sha256", sourceSha);
        manifest.put("format", kind.cliName());
        DataDomain domain =
                kind == DataFormat.SMS
                        ? DataDomain.SMS
                        : kind == DataFormat.MAIL ? DataDomain.MAIL : DataDomain.UNKNOWN;
        if (domain != DataDomain.UNKNOWN) {
            manifest.put("data_domain", domain.wireName());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("0", "ham");
        labels.put("1", "spam");
        manifest.put("label_map", labels);
        manifest.put("seed", seed);
        manifest.put("balanced", !noBalance);
        manifest.put("read", counts(read.examples()));
        manifest.put("malformed", read.malformed());
        manifest.put("malformed_examples", read.malformedSamples());
        manifest.put("skipped", read.skipped());
        Map<String, Object> splits = new LinkedHashMap<>();
        parts.forEach((name, list) -> splits.put(name, counts(list)));
        manifest.put("splits", splits);
        manifest.put("files", files);
        manifest.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        writeDatasetJson(out, manifest);
    }

    /** Refuses an SMS collection that is not the UCI release, unless {@code --no-verify}. */
    void verifySms(Path file, String sha) {
        if (!noVerify && !sha.equals(SmsCollectionReader.SHA256)) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    file
                            + " has sha256 "
                            + sha
                            + ", but the UCI SMS Spam Collection v.1 has "
                            + SmsCollectionReader.SHA256
                            + ". Use the original file, or pass --no-verify to use this one"
                            + " anyway.");
        }
    }

    /** Writes {@code dataset.json} into the folder, replacing the old one only when complete. */
    static void writeDatasetJson(Path dir, Map<String, Object> manifest) throws IOException {
        Path file = dir.resolve("dataset.json");
        Path temp = TempFiles.sibling(file);
        try {
            JSON.writeValue(temp.toFile(), manifest);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static Map<String, Long> counts(List<LabelledText> examples) {
        long spam = examples.stream().filter(e -> e.label() == LabelledText.SPAM).count();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("ham", examples.size() - spam);
        counts.put("spam", spam);
        counts.put("total", (long) examples.size());
        return counts;
    }

    static String table(Map<String, List<LabelledText>> parts) {
        StringBuilder table =
                new StringBuilder(
                        String.format("%-12s %7s %7s %7s%n", "split", "ham", "spam", "total"));
        long[] sum = new long[3];
        for (String name : SPLITS) {
            Map<String, Long> c = counts(parts.get(name));
            table.append(
                    String.format(
                            "%-12s %7d %7d %7d%n",
                            name, c.get("ham"), c.get("spam"), c.get("total")));
            sum[0] += c.get("ham");
            sum[1] += c.get("spam");
            sum[2] += c.get("total");
        }
        return table.append(String.format("%-12s %7d %7d %7d%n", "all", sum[0], sum[1], sum[2]))
                .toString();
    }

    static void report(ReadResult read, PrintWriter stderr) {
        if (read.malformed() > 0) {
            stderr.println("warning: " + read.malformed() + " malformed record(s) were not used:");
            read.malformedSamples().forEach(s -> stderr.println("  " + s));
            if (read.malformed() > read.malformedSamples().size()) {
                stderr.println(
                        "  ... and "
                                + (read.malformed() - read.malformedSamples().size())
                                + " more");
            }
        }
        if (read.skipped() > 0) {
            stderr.println("note: " + read.skipped() + " file(s) are not mail and were skipped:");
            read.skippedSamples().forEach(s -> stderr.println("  " + s));
        }
        stderr.flush();
    }

    /**
     * The SHA-256 of a file, or of a folder: the hash of its {@code sha256sum}-style listing (hash,
     * two spaces, relative path; sorted by path).
     */
    static String digest(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return Sha256.ofFile(source);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        MessageDigest listing = Sha256.newDigest();
        for (Path file : files) {
            String line =
                    Sha256.ofFile(file)
                            + "  "
                            + source.relativize(file).toString().replace('\\', '/')
                            + "\n";
            listing.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return Sha256.hex(listing.digest());
    }
}
