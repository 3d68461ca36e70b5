package dev.spamgpt.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.bundle.DataDomain;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.corpus.CorpusResult;
import dev.spamgpt.trainer.corpus.SpamAssassinCorpus;
import dev.spamgpt.trainer.data.Balancing;
import dev.spamgpt.trainer.data.DataFormat;
import dev.spamgpt.trainer.data.DataSource;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.DatasetSplit;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import dev.spamgpt.trainer.data.SmsCollectionReader;
import dev.spamgpt.trainer.feedback.FeedbackGuards;
import dev.spamgpt.trainer.feedback.FeedbackSource;
import dev.spamgpt.trainer.feedback.FeedbackSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code prepare --source ...}: reads several sources, caps each, drops texts seen in an earlier
 * source, balances and splits the union like the one-source path, then weights each source's share
 * of the training split. Users' feedback goes through {@link FeedbackGuards} first.
 */
final class MultiSourcePrepare {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrepareCommand options;
    private final PrintWriter stdout;
    private final PrintWriter stderr;

    MultiSourcePrepare(PrepareCommand options, PrintWriter stdout, PrintWriter stderr) {
        this.options = options;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** One source as read. */
    private static final class Read {
        final DataSource source;
        final String sha256;
        final long readHam;
        final long readSpam;
        final int malformed;
        final List<LabelledText> examples;
        final FeedbackSummary feedback;
        long capped;
        long duplicates;
        long used;
        List<Map<String, Object>> archives;

        Read(
                DataSource source,
                String sha256,
                List<LabelledText> examples,
                int malformed,
                FeedbackSummary feedback) {
            this.source = source;
            this.sha256 = sha256;
            this.examples = examples;
            this.malformed = malformed;
            this.feedback = feedback;
            this.readSpam = examples.stream().filter(e -> e.label() == LabelledText.SPAM).count();
            this.readHam = examples.size() - readSpam;
        }
    }

    int run() throws IOException {
        List<DataSource> sources = new ArrayList<>();
        if (options.data() != null) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "--data and --source do not mix: name that file as a source too, such as"
                            + " --source tsv:"
                            + options.data());
        }
        for (String text : options.sourceSpecs()) {
            try {
                sources.add(DataSource.parse(text));
            } catch (IllegalArgumentException e) {
                throw new CliException(SpamGptCli.EXIT_USAGE, "--source: " + e.getMessage(), e);
            }
        }
        FeedbackGuards.Settings guards = guards();
        List<Read> reads = new ArrayList<>();
        for (DataSource source : sources) {
            reads.add(read(source, guards));
        }

        Random random = new Random(options.seed());
        Set<String> seen = new HashSet<>();
        IdentityHashMap<LabelledText, Read> origin = new IdentityHashMap<>();
        List<LabelledText> all = new ArrayList<>();
        DataDomain domain = DataDomain.UNKNOWN;
        for (Read read : reads) {
            List<LabelledText> examples = new ArrayList<>(read.examples);
            Integer cap = read.source.cap();
            if (cap != null && examples.size() > cap) {
                Collections.shuffle(examples, random);
                read.capped = examples.size() - cap;
                examples = new ArrayList<>(examples.subList(0, cap));
            }
            for (LabelledText e : examples) {
                if (!seen.add(FeedbackReport.digestOf(e.text()))) {
                    read.duplicates++;
                    continue;
                }
                origin.put(e, read);
                read.used++;
                all.add(e);
            }
            domain = domain.and(read.source.domain());
        }
        long spam = all.stream().filter(e -> e.label() == LabelledText.SPAM).count();
        long ham = all.size() - spam;
        if (ham == 0 || spam == 0) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "the sources give "
                            + ham
                            + " ham and "
                            + spam
                            + " spam; a classifier needs examples of both");
        }
        List<LabelledText> examples =
                options.noBalance() ? all : Balancing.undersample(all, options.seed());
        DatasetSplit split = DatasetSplit.of(examples, options.seed());
        Map<String, List<LabelledText>> parts = new LinkedHashMap<>();
        parts.put("train", weighted(split.train(), origin, random));
        parts.put("validation", split.validation());
        parts.put("test", split.test());

        Files.createDirectories(options.out());
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<LabelledText>> part : parts.entrySet()) {
            Path file = options.out().resolve(part.getKey() + ".csv");
            DatasetCsv.write(file, part.getValue());
            files.put(file.getFileName().toString(), Sha256.ofFile(file));
        }
        writeManifest(reads, domain, all, parts, files);

        stdout.print(sourceTable(reads));
        stdout.println(
                "Data domain: "
                        + domain.wireName()
                        + (options.noBalance()
                                ? "; not balanced."
                                : "; balanced by undersampling to "
                                        + examples.size() / 2
                                        + " ham + "
                                        + examples.size() / 2
                                        + " spam (seed "
                                        + options.seed()
                                        + ")."));
        stdout.print(PrepareCommand.table(parts));
        stdout.println(
                "Wrote "
                        + String.join(", ", files.keySet())
                        + ", dataset.json to "
                        + options.out());
        stdout.flush();
        return SpamGptCli.EXIT_OK;
    }

    private FeedbackGuards.Settings guards() {
        FeedbackGuards.Known known;
        try {
            known = FeedbackGuards.Known.valueOf(options.feedbackKnown().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "--feedback-known must be skip or keep, got " + options.feedbackKnown());
        }
        try {
            return new FeedbackGuards.Settings(
                    known,
                    options.feedbackDailyCap(),
                    options.feedbackUserShare(),
                    options.feedbackShareFloor(),
                    options.seed());
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    e.getMessage()
                            + " (--feedback-daily-cap, --feedback-user-share,"
                            + " --feedback-share-floor)");
        }
    }

    private Read read(DataSource source, FeedbackGuards.Settings guards) throws IOException {
        if (source.kind() == DataSource.Kind.FEEDBACK) {
            return readFeedback(source, guards);
        }
        if (source.kind() == DataSource.Kind.SPAMASSASSIN) {
            return readSpamAssassin(source);
        }
        Path path =
                source.spec() == null
                        ? options.downloadSmsCollection(stderr)
                        : Paths.get(source.spec());
        if (!Files.exists(path)) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "--source " + source + ": " + path + " does not exist");
        }
        String sha = PrepareCommand.digest(path);
        DataFormat format = DataFormat.parse(source.kindName());
        if (format == DataFormat.SMS) {
            options.verifySms(path, sha);
        }
        ReadResult read;
        try {
            read = format.read(path, options.maxLineChars());
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "cannot read " + path + ": " + e.getMessage(), e);
        }
        PrepareCommand.report(read, stderr);
        return new Read(source, sha, read.examples(), read.malformed(), null);
    }

    private Read readFeedback(DataSource source, FeedbackGuards.Settings guards)
            throws IOException {
        FeedbackSource.Reports read;
        try {
            read = FeedbackSource.read(source.spec(), stderr);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "--source " + source + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    "cannot read feedback from " + source.spec() + ": " + e.getMessage(),
                    e);
        }
        List<FeedbackReport> reports = read.reports();
        FeedbackGuards.Result guarded = FeedbackGuards.apply(reports, guards);
        guarded.summary().print(source.spec(), stderr);
        stderr.flush();
        String sha =
                Sha256.ofBytes(
                        reports.stream()
                                .map(r -> r.id() + " " + r.label().wireName() + " " + r.digest())
                                .sorted()
                                .collect(Collectors.joining("\n"))
                                .getBytes(StandardCharsets.UTF_8));
        return new Read(source, sha, guarded.examples(), (int) read.skipped(), guarded.summary());
    }

    /** Downloads (once, into the cache) and reads the SpamAssassin public corpus. */
    private Read readSpamAssassin(DataSource source) throws IOException {
        SpamAssassinCorpus corpus =
                new SpamAssassinCorpus(
                        options.cacheDir().resolve("datasets"), source.spec(), null, true);
        CorpusResult fetched;
        ReadResult read;
        try {
            fetched = corpus.fetch();
            read = fetched.read(MessageText.Limits.defaults());
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE, "--source " + source + ": " + e.getMessage(), e);
        }
        PrepareCommand.report(read, stderr);
        String sha =
                Sha256.ofBytes(
                        fetched.archives().stream()
                                .map(a -> a.sha256() + "  " + a.name())
                                .collect(Collectors.joining("\n"))
                                .getBytes(StandardCharsets.UTF_8));
        Read r = new Read(source, sha, read.examples(), read.malformed(), null);
        r.archives = fetched.toManifest();
        return r;
    }

    /** The training split with each source's examples repeated or thinned by its weight. */
    private static List<LabelledText> weighted(
            List<LabelledText> train, IdentityHashMap<LabelledText, Read> origin, Random random) {
        List<LabelledText> out = new ArrayList<>();
        for (LabelledText e : train) {
            double w = origin.get(e).source.weight();
            int copies = (int) Math.floor(w);
            if (random.nextDouble() < w - copies) {
                copies++;
            }
            for (int i = 0; i < copies; i++) {
                out.add(e);
            }
        }
        Collections.shuffle(out, random);
        return out;
    }

    private static String sourceTable(List<Read> reads) {
        StringBuilder t =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "%-44s %7s %7s %7s %7s %7s %6s%n",
                                "source",
                                "ham",
                                "spam",
                                "capped",
                                "dupes",
                                "used",
                                "weight"));
        for (Read r : reads) {
            String name = r.source.toString();
            if (name.length() > 44) {
                name = "..." + name.substring(name.length() - 41);
            }
            t.append(
                    String.format(
                            Locale.ROOT,
                            "%-44s %7d %7d %7d %7d %7d %6s%n",
                            name,
                            r.readHam,
                            r.readSpam,
                            r.capped,
                            r.duplicates,
                            r.used,
                            r.source.weight() == 1 ? "1" : Double.toString(r.source.weight())));
        }
        return t.toString();
    }

    private void writeManifest(
            List<Read> reads,
            DataDomain domain,
            List<LabelledText> all,
            Map<String, List<LabelledText>> parts,
            Map<String, String> files)
            throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        List<Map<String, Object>> sources = new ArrayList<>();
        StringBuilder shas = new StringBuilder();
        Map<String, Object> feedback = new LinkedHashMap<>();
        for (Read r : reads) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("kind", r.source.kindName());
            s.put(
                    "spec",
                    r.source.spec() != null
                            ? r.source.spec()
                            : r.source.kind() == DataSource.Kind.SMS
                                    ? SmsCollectionReader.URL
                                    : SpamAssassinCorpus.DEFAULT_BASE_URL);
            s.put("sha256", r.sha256);
            s.put("domain", r.source.domain().wireName());
            Map<String, Long> read = new LinkedHashMap<>();
            read.put("ham", r.readHam);
            read.put("spam", r.readSpam);
            s.put("read", read);
            s.put("malformed", r.malformed);
            s.put("capped", r.capped);
            s.put("duplicates", r.duplicates);
            s.put("used", r.used);
            if (r.source.cap() != null) {
                s.put("cap", r.source.cap());
            }
            s.put("weight", r.source.weight());
            if (r.archives != null) {
                s.put("archives", r.archives);
            }
            sources.add(s);
            shas.append(r.sha256).append('\n');
            if (r.feedback != null) {
                feedback.put(r.source.spec(), r.feedback.toJson());
            }
        }
        manifest.put("source", "multiple");
        manifest.put(
                "source_sha256", Sha256.ofBytes(shas.toString().getBytes(StandardCharsets.UTF_8)));
        manifest.put("format", "sources");
        manifest.put("data_domain", domain.wireName());
        manifest.put("sources", sources);
        if (!feedback.isEmpty()) {
            manifest.put("feedback", feedback);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("0", "ham");
        labels.put("1", "spam");
        manifest.put("label_map", labels);
        manifest.put("seed", options.seed());
        manifest.put("balanced", !options.noBalance());
        manifest.put("read", PrepareCommand.counts(all));
        Map<String, Object> splits = new LinkedHashMap<>();
        parts.forEach((name, list) -> splits.put(name, PrepareCommand.counts(list)));
        manifest.put("splits", splits);
        manifest.put("files", files);
        manifest.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        PrepareCommand.writeDatasetJson(options.out(), manifest);
    }
}
