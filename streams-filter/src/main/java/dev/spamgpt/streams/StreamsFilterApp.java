package dev.spamgpt.streams;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.serving.ModelSource;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.InferenceFlags;
import dev.spamgpt.streams.config.KafkaFlags;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.LayeredDefaults;
import dev.spamgpt.streams.config.ModelFlags;
import dev.spamgpt.streams.config.RecordFlags;
import dev.spamgpt.streams.config.ServerFlags;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.config.TopicFlags;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code java -jar spamgpt-streams.jar}: reads an input topic, classifies each record with a
 * SpamGPT bundle and writes it, unchanged but for three headers, to a spam or a ham topic, or to a
 * dead-letter topic when it cannot be classified.
 *
 * <p>Every option can also come from an environment variable or a properties file; see {@link
 * LayeredDefaults} for the names and the precedence. The options are grouped by concern in {@code
 * dev.spamgpt.streams.config} ({@link KafkaFlags}, {@link TopicFlags}, {@link RecordFlags}, the
 * {@link InferenceFlags} that the benchmarks share, {@link ServerFlags}), picocli Mixins that
 * {@code --help} lists under a heading each; each turns into the settings object that checks it.
 * This class checks what is required, loads the model and maps failures to exit codes; {@link
 * FilterRuntime} starts and stops the rest.
 */
@Command(
        name = "spamgpt-streams",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = StreamsFilterApp.Version.class,
        usageHelpWidth = 100,
        header = "Kafka Streams spam filter: routes records to a spam, ham or dead-letter topic.",
        description = {
            "Every option can also be set as an environment variable (--input-topic:"
                    + " SPAMGPT_INPUT_TOPIC) or in",
            "the --config-file (input.topic=...). Precedence: flag > environment > file > default.",
            "Raw Kafka client settings: --kafka-config KEY=VALUE, SPAMGPT_KAFKA_<KEY> (dots as _),"
                    + " or kafka.<key>",
            "in the file.",
            ""
        },
        footer = {
            "",
            "Exit codes: 0 stopped on request, 1 Kafka Streams failed, 2 bad usage,"
                    + " 3 model bundle cannot be loaded, 4 Kafka setup failed (broker, topics)."
        })
public final class StreamsFilterApp implements Callable<Integer> {

    /** Stopped on request (SIGTERM or Ctrl-C). */
    public static final int EXIT_OK = 0;

    /** Kafka Streams failed. */
    public static final int EXIT_STREAMS_FAILED = 1;

    /** Bad usage or configuration (picocli's own code). */
    public static final int EXIT_USAGE = 2;

    /** The model bundle cannot be loaded. */
    public static final int EXIT_BAD_MODEL = 3;

    /** The embedded broker or the topics cannot be set up. */
    public static final int EXIT_KAFKA_SETUP = 4;

    private static final Logger LOG = LoggerFactory.getLogger(StreamsFilterApp.class);

    /** The headings of --help: Mixin field name and heading, in the order listed. */
    private static final List<Map.Entry<String, String>> SECTIONS =
            List.of(
                    Map.entry("kafka", "Kafka"),
                    Map.entry("topics", "Topics"),
                    Map.entry("records", "Records and micro-batches"),
                    Map.entry("inference", "Inference"),
                    Map.entry("models", "Model reload and shadow"),
                    Map.entry("server", "Metrics, health and shutdown"));

    @Option(
            names = "--config-file",
            paramLabel = "FILE",
            description =
                    "Properties file with option values (keys such as input.topic,"
                            + " kafka.security.protocol).")
    Path configFile;

    @Option(
            names = "--model",
            paramLabel = "BUNDLE",
            description =
                    "Model bundle directory (from `train`), or a model repository (from"
                            + " `promote`), whose current model is served and followed. Required.")
    Path model;

    // One Mixin per concern; OptionSections gives each a heading in --help.
    @Mixin KafkaFlags kafka = new KafkaFlags();

    @Mixin TopicFlags topics = new TopicFlags();

    @Mixin RecordFlags records = new RecordFlags();

    @Mixin InferenceFlags inference = new InferenceFlags();

    @Mixin ModelFlags models = new ModelFlags();

    @Mixin ServerFlags server = new ServerFlags();

    private LayeredDefaults defaults = new LayeredDefaults(Map.of(), new Properties());

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Settings resolved from every layer, before anything is started. */
    record Settings(FilterConfig filter, KafkaOptions kafka, ClassifierOptions classifier) {}

    /**
     * Runs the filter until SIGTERM.
     *
     * @param args command line
     */
    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), args).execute(args));
    }

    /**
     * Builds the command line with environment and file defaults.
     *
     * @param env the environment
     * @param args the arguments (scanned for --config-file)
     * @return the command line, ready to execute or parse
     */
    public static CommandLine commandLine(Map<String, String> env, String[] args) {
        StreamsFilterApp app = new StreamsFilterApp();
        Path file = LayeredDefaults.configFile(args, env);
        Properties fileProps = new Properties();
        if (file != null) {
            fileProps = LayeredDefaults.load(file);
        }
        app.defaults = new LayeredDefaults(env, fileProps);
        CommandLine cmd = new CommandLine(app);
        cmd.setDefaultValueProvider(app.defaults);
        OptionSections.install(cmd, SECTIONS);
        cmd.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + ex.getMessage());
                    LOG.debug("Failure", ex);
                    return ex instanceof IllegalArgumentException
                            ? EXIT_USAGE
                            : EXIT_STREAMS_FAILED;
                });
        return cmd;
    }

    /**
     * Checks the options and resolves them into the topology's, Kafka's and the classifier's
     * settings. Each settings class checks its own values; this only adds the required options.
     *
     * @param bootstrap the cluster address to use (the embedded broker's, or --bootstrap-servers)
     * @return the settings
     * @throws IllegalArgumentException naming a missing required option
     * @throws CommandLine.ParameterException naming the bad option
     */
    Settings settings(String bootstrap) {
        LayeredDefaults.require(model, "--model");
        topics.requireAll();
        LayeredDefaults.require(bootstrap, "--bootstrap-servers");
        try {
            FilterConfig filter = records.filterConfig(topics);
            KafkaOptions kafkaOptions = kafka.kafkaOptions(bootstrap, defaults);
            ClassifierOptions classifier = inference.classifierOptions();
            models.reloadInterval();
            models.shadowShare();
            return new Settings(filter, kafkaOptions, classifier);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Usage errors first: they must not wait for a model to load.
        Settings checked = settings(kafka.embeddedBroker() ? "embedded" : kafka.bootstrapServers());
        inference.applyEngineThreads();
        ModelSource source = ModelSource.of(model);
        ModelSource.Target target;
        SpamClassifier scorer;
        SpamClassifier shadow = null;
        try {
            target = source.resolve();
            scorer = SpamClassifier.open(target.folder(), checked.classifier());
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot load the model bundle " + model + ": " + e.getMessage());
            LOG.debug("Model load failure", e);
            return EXIT_BAD_MODEL;
        }
        out.println(
                "Model "
                        + scorer.modelId()
                        + " loaded from "
                        + target.folder()
                        + " on "
                        + scorer.device()
                        + " (threshold "
                        + scorer.threshold()
                        + ")");
        if (models.shadowModel() != null) {
            try {
                shadow = SpamClassifier.open(models.shadowModel(), checked.classifier());
            } catch (RuntimeException e) {
                scorer.close();
                err.println(
                        "error: cannot load the shadow model bundle "
                                + models.shadowModel()
                                + ": "
                                + e.getMessage());
                return EXIT_BAD_MODEL;
            }
            out.println(
                    "Shadow model "
                            + shadow.modelId()
                            + " loaded from "
                            + models.shadowModel()
                            + " (threshold "
                            + shadow.threshold()
                            + ", at most "
                            + models.shadowShare()
                            + " of the live model's time)");
        }
        ClassifierOptions options = checked.classifier();
        try (FilterRuntime runtime =
                new FilterRuntime(
                        scorer,
                        source,
                        target.fingerprint(),
                        bundle -> SpamClassifier.open(bundle, options))) {
            Settings settings = checked;
            try {
                if (kafka.embeddedBroker()) {
                    String bootstrap = runtime.startEmbeddedBroker(checked.filter());
                    out.println(
                            "Embedded Kafka broker (KRaft, single node) listening on " + bootstrap);
                    settings = settings(bootstrap);
                }
                if (topics.createTopics() || kafka.embeddedBroker()) {
                    List<String> created =
                            TopicSetup.createMissing(
                                    StreamsSettings.adminProperties(settings.kafka()),
                                    settings.filter(),
                                    topics.partitions(),
                                    topics.replicationFactor());
                    out.println(
                            created.isEmpty() ? "All topics exist" : "Created topics " + created);
                }
            } catch (Exception e) {
                if (shadow != null) {
                    shadow.close();
                }
                err.println("error: Kafka setup failed: " + e);
                LOG.debug("Kafka setup failure", e);
                return EXIT_KAFKA_SETUP;
            }
            runtime.start(settings.filter(), settings.kafka(), server, models, shadow, out);
            out.printf(
                    "Filtering %s -> spam: %s, ham: %s, dead letters: %s (%s, %s, batch %d)%n",
                    settings.filter().inputTopic(),
                    settings.filter().spamTopic(),
                    settings.filter().hamTopic(),
                    settings.filter().dlqTopic(),
                    settings.filter().valueFormat(),
                    settings.kafka().processingGuarantee(),
                    settings.filter().batchSize());
            out.flush();
            return runtime.awaitStop() ? EXIT_STREAMS_FAILED : EXIT_OK;
        }
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StreamsFilterApp.class.getPackage().getImplementationVersion();
            return new String[] {"spamgpt-streams " + (v == null ? "(development build)" : v)};
        }
    }
}
