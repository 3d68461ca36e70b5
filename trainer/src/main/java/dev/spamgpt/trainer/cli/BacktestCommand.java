package dev.spamgpt.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.core.util.ProgressBar;
import dev.spamgpt.trainer.backtest.Backtest;
import dev.spamgpt.trainer.backtest.BacktestReport;
import dev.spamgpt.trainer.backtest.KafkaRange;
import dev.spamgpt.trainer.backtest.MessageSource;
import dev.spamgpt.trainer.backtest.MessageSources;
import dev.spamgpt.trainer.data.ReadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Replays a message source through a candidate model and, optionally, a baseline such as the model
 * in service, and reports where each puts each message and which verdicts flip. It streams: memory
 * stays bounded by one batch of texts and the kept flips, whatever the size of the source.
 */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Replay mail, a labelled file, feedback or a Kafka topic range through models.",
        description = {
            "Scores every message of --data with --model (the candidate) and, with --baseline, with"
                    + " the model to compare it with, each at its own bundle's threshold. Prints,"
                    + " per label or folder, where each model puts the messages (with a baseline:"
                    + " the baseline-by-candidate verdict matrix), the false-positive and"
                    + " false-negative rates where messages are labelled, and the messages whose"
                    + " verdict flips between the two models.",
            "--data is one of:",
            "  DIR or mail:DIR    a folder of mail (.eml files, Maildir folders, mbox files);"
                    + " with ham/ and spam/ the folders are the labels, otherwise each top"
                    + " folder is counted apart and messages are unlabelled",
            "  FILE               an mbox file or an .eml file (unlabelled), or a CSV, TSV or"
                    + " JSONL file with a label column, told from its name or first line",
            "  csv:FILE, tsv:FILE, jsonl:FILE, sms:FILE   a labelled file of that format",
            "  feedback:DIR, feedback:kafka:TOPIC@HOST:PORT   every report of a feedback store,"
                    + " labelled by the user",
            "  kafka:TOPIC@HOST:PORT[,HOST:PORT]   records of a topic between --from and --to,"
                    + " the text in the value (--value-format), the label in the --label-header"
                    + " header when there is one",
            "Reads are streamed and scored --batch-size messages at a time; only counts and the"
                    + " first --max-flips flips are kept. For mail, and wherever --html is given,"
                    + " an HTML page lists the flips.",
            "Exit codes: 0 done, 1 a model or the broker failed, 2 bad options, a missing model"
                    + " or an unreadable source."
        })
public final class BacktestCommand implements Callable<Integer> {

    /** The page written for a mail source when --html is not given. */
    static final String DEFAULT_HTML = "backtest.html";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "BUNDLE|REPOSITORY",
            description =
                    "The candidate: a bundle folder, or a model repository whose current pointer"
                            + " names the bundle.")
    Path model;

    @Option(
            names = "--baseline",
            paramLabel = "BUNDLE|REPOSITORY",
            description =
                    "The model to compare with, such as the repository in service. Without it only"
                            + " the candidate is reported.")
    Path baseline;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "SOURCE",
            description = "What to replay; see above for the forms.")
    String data;

    @Option(
            names = "--from",
            paramLabel = "OFFSET|TIME",
            description =
                    "Kafka only: the first offset (on every partition read) or record time"
                            + " (2026-01-31T12:00:00Z or 2026-01-31) of the range. Default: the"
                            + " beginning of each partition.")
    String from;

    @Option(
            names = "--to",
            paramLabel = "OFFSET|TIME",
            description =
                    "Kafka only: the offset or time the range stops before (exclusive). Default:"
                            + " the end of each partition when the backtest starts.")
    String to;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            split = ",",
            description = "Kafka only: the partitions to read, e.g. 0,2. Default: all.")
    List<Integer> partitions;

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description =
                    "Kafka only: text (UTF-8), json (the string at --json-path) or email (a raw"
                            + " RFC 822 message). Default: ${DEFAULT-VALUE}.")
    String valueFormat;

    @Option(
            names = "--json-path",
            paramLabel = "PATH",
            defaultValue = "$.text",
            description =
                    "Kafka only: the text's field for --value-format json, dotted, e.g."
                            + " $.body.text. Default: ${DEFAULT-VALUE}.")
    String jsonPath;

    @Option(
            names = "--label-header",
            paramLabel = "NAME",
            defaultValue = "label",
            description =
                    "Kafka only: the record header holding ham, spam, 0 or 1; a record without it"
                            + " is unlabelled. Default: ${DEFAULT-VALUE}.")
    String labelHeader;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "Kafka only: a consumer setting, such as security.protocol=SSL; repeatable.")
    Map<String, String> kafkaProperties;

    @Option(
            names = "--kafka-timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description =
                    "Kafka only: the longest the broker may go without handing over a record of"
                            + " the range. Default: ${DEFAULT-VALUE}.")
    long kafkaTimeoutSeconds;

    @Option(
            names = "--json",
            paramLabel = "FILE|-",
            description =
                    "Write the whole report (sources, models, groups, rates, kept flips) as JSON"
                            + " to FILE, or to standard output for - (the table then goes to"
                            + " standard error).")
    String json;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description =
                    "Write an HTML page of the report and the kept flips. Default for mail"
                            + " compared with a baseline: "
                            + DEFAULT_HTML
                            + " in the working folder.")
    Path html;

    @Option(names = "--no-html", description = "Write no HTML page, not even for mail.")
    boolean noHtml;

    @Option(
            names = "--max-flips",
            paramLabel = "N",
            defaultValue = "10000",
            description =
                    "Flips kept for --json and --html; the rest are counted, and the report says"
                            + " how many were left out. Default: ${DEFAULT-VALUE}.")
    int maxFlips;

    @Option(
            names = "--show-flips",
            paramLabel = "N",
            defaultValue = "20",
            description = "Flips listed in the table. Default: ${DEFAULT-VALUE}.")
    int showFlips;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "32",
            description = "Messages scored per model call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--max-line-chars",
            paramLabel = "N",
            defaultValue = "" + ReadResult.DEFAULT_MAX_LINE_CHARS,
            description =
                    "Text files only: a longer line (CSV: record) is counted as unusable."
                            + " Default: ${DEFAULT-VALUE}.")
    int maxLineChars;

    private LongConsumer progressListener;

    /**
     * Sets what is told, after each scored batch, how many messages have been scored; for
     * measurements of a running backtest.
     *
     * @param listener the listener, or null for none
     */
    public void progressListener(LongConsumer listener) {
        this.progressListener = listener;
    }

    @Override
    public Integer call() throws IOException {
        checkOptions();
        MessageSource source = source();
        Path candidateBundle = bundleOf("--model", model);
        Path baselineBundle = baseline == null ? null : bundleOf("--baseline", baseline);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter table = "-".equals(json) ? err : spec.commandLine().getOut();
        Path page = html;
        if (page == null && !noHtml && source.isMail() && baseline != null) {
            page = Paths.get(DEFAULT_HTML);
        }
        OpenMp.preferPassiveWaiting();
        ClassifierOptions options = ClassifierOptions.defaults();
        long started = System.nanoTime();
        BacktestReport report;
        try (SpamClassifier candidate = SpamClassifier.open(candidateBundle, options);
                SpamClassifier base =
                        baselineBundle == null
                                ? null
                                : SpamClassifier.open(baselineBundle, options)) {
            report = run(source, candidate, base, candidateBundle, baselineBundle, err, started);
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        table.print(report.table(showFlips));
        table.flush();
        if (json != null) {
            String text = JSON.writeValueAsString(report.toMap());
            if ("-".equals(json)) {
                spec.commandLine().getOut().println(text);
                spec.commandLine().getOut().flush();
            } else {
                Files.writeString(Paths.get(json), text + "\n", StandardCharsets.UTF_8);
                table.println("Report: " + json);
            }
        }
        if (page != null) {
            try (Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
                report.html(w);
            }
            table.println("Flips page: " + page);
        }
        table.flush();
        return SpamGptCli.EXIT_OK;
    }

    private BacktestReport run(
            MessageSource source,
            SpamClassifier candidate,
            SpamClassifier base,
            Path candidateBundle,
            Path baselineBundle,
            PrintWriter err,
            long started)
            throws IOException {
        PrintStream log =
                new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8);
        Backtest backtest;
        try (ProgressBar bar =
                new ProgressBar(
                        "backtest", 0, 0, false, log, System.console() != null, System::nanoTime)) {
            LongConsumer listener = progressListener;
            backtest =
                    new Backtest(
                            candidate,
                            base,
                            batchSize,
                            maxFlips,
                            n -> {
                                bar.set(n);
                                if (listener != null) {
                                    listener.accept(n);
                                }
                            });
            try {
                source.replay(backtest, err);
            } catch (IllegalArgumentException e) {
                throw usage("--data " + data + ": " + e.getMessage());
            } catch (IOException e) {
                throw usage("cannot read " + data + ": " + e.getMessage());
            }
            backtest.finish();
        }
        log.flush();
        double seconds = (System.nanoTime() - started) / 1e9;
        return new BacktestReport(
                data,
                source,
                describe(model, candidateBundle, candidate),
                base == null ? null : describe(baseline, baselineBundle, base),
                backtest,
                seconds);
    }

    private static BacktestReport.Model describe(Path given, Path bundle, SpamClassifier c) {
        return new BacktestReport.Model(
                given.toString(), bundle.toString(), c.modelId(), c.threshold());
    }

    private void checkOptions() {
        if (batchSize < 1) {
            throw usage("--batch-size must be at least 1, got " + batchSize);
        }
        if (maxFlips < 0) {
            throw usage("--max-flips must be at least 0, got " + maxFlips);
        }
        if (showFlips < 0) {
            throw usage("--show-flips must be at least 0, got " + showFlips);
        }
        if (maxLineChars < 1) {
            throw usage("--max-line-chars must be at least 1, got " + maxLineChars);
        }
        if (kafkaTimeoutSeconds < 1) {
            throw usage("--kafka-timeout must be at least 1 second, got " + kafkaTimeoutSeconds);
        }
        if (html != null && noHtml) {
            throw usage("give --html FILE or --no-html, not both");
        }
    }

    private MessageSource source() {
        boolean kafka = MessageSources.isKafka(data);
        if (!kafka && (from != null || to != null || partitions != null)) {
            throw usage("--from, --to and --partitions are for a kafka:TOPIC@HOST:PORT source");
        }
        try {
            if (kafka) {
                KafkaRange.ValueFormat format;
                try {
                    format = KafkaRange.ValueFormat.valueOf(valueFormat.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "--value-format must be text, json or email, got " + valueFormat);
                }
                return MessageSources.kafka(
                        data,
                        partitions,
                        bound("--from", from),
                        bound("--to", to),
                        format,
                        jsonPath,
                        labelHeader.isBlank() ? null : labelHeader,
                        kafkaProperties,
                        Duration.ofSeconds(kafkaTimeoutSeconds));
            }
            return MessageSources.open(data, maxLineChars);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        } catch (IOException e) {
            throw usage("cannot read " + data + ": " + e.getMessage());
        }
    }

    private static KafkaRange.Bound bound(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return KafkaRange.Bound.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** A bundle folder as given, or the one a repository's current pointer names. */
    static Path bundleOf(String option, Path path) {
        if (!Files.exists(path)) {
            throw usage(option + " " + path + " does not exist");
        }
        if (ModelRepository.isRepository(path)) {
            Optional<Path> current;
            try {
                current = ModelRepository.at(path).current();
            } catch (IOException | BundleException e) {
                throw usage(
                        option
                                + " "
                                + path
                                + ": cannot read the current pointer: "
                                + e.getMessage());
            }
            if (current.isEmpty()) {
                throw usage(option + " " + path + " is a model repository with no current model");
            }
            return current.get();
        }
        if (!Files.isRegularFile(path.resolve(ModelBundle.MANIFEST))) {
            throw usage(
                    option
                            + " "
                            + path
                            + " is neither a bundle (it has no "
                            + ModelBundle.MANIFEST
                            + ") nor a model repository (it has no current pointer)");
        }
        return path;
    }

    private static CliException usage(String message) {
        return new CliException(SpamGptCli.EXIT_USAGE, message);
    }
}
