package dev.spamgpt.streams;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.LayeredDefaults;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.metrics.HealthServer;
import dev.spamgpt.streams.topology.SpamFilterTopology;

/**
 * {@code java -jar spamgpt-streams.jar}: reads an input topic, classifies each record with a SpamGPT
 * bundle and writes it, unchanged but for three headers, to a spam or a ham topic, or to a
 * dead-letter topic when it cannot be classified.
 *
 * <p>Every option can also come from an environment variable or a properties file; see
 * {@link LayeredDefaults} for the names and the precedence.
 */
@Command(name = "spamgpt-streams", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = StreamsFilterApp.Version.class, usageHelpWidth = 100,
        header = "Kafka Streams spam filter: routes records to a spam, ham or dead-letter topic.",
        description = {
            "Every option can also be set as an environment variable (--input-topic: SPAMGPT_INPUT_TOPIC) or in",
            "the --config-file (input.topic=...). Precedence: flag > environment > file > default.",
            "Raw Kafka client settings: --kafka-config KEY=VALUE, SPAMGPT_KAFKA_<KEY> (dots as _), or kafka.<key>",
            "in the file.",
            ""},
        footer = {"", "Exit codes: 0 stopped on request, 1 Kafka Streams failed, 2 bad usage,"
                + " 3 model bundle cannot be loaded, 4 Kafka setup failed (broker, topics)."})
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

    @Option(names = "--config-file", paramLabel = "FILE",
            description = "Properties file with option values (keys such as input.topic, kafka.security.protocol).")
    Path configFile;

    @Option(names = "--model", paramLabel = "BUNDLE", description = "Model bundle directory (from `train`). Required.")
    Path model;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka cluster. Required unless --embedded-broker.")
    String bootstrapServers;

    @Option(names = "--input-topic", paramLabel = "TOPIC", description = "Topic to read. Required.")
    String inputTopic;

    @Option(names = "--spam-topic", paramLabel = "TOPIC", description = "Topic for spam. Required.")
    String spamTopic;

    @Option(names = "--ham-topic", paramLabel = "TOPIC", description = "Topic for ham. Required.")
    String hamTopic;

    @Option(names = "--dlq-topic", paramLabel = "TOPIC",
            description = "Dead-letter topic for records that cannot be classified. Required.")
    String dlqTopic;

    @Option(names = "--application-id", paramLabel = "ID", defaultValue = "spamgpt-streams-filter",
            description = "Kafka Streams application.id (consumer group, internal topic prefix). Default: ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(names = "--value-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (UTF-8), json (text at --json-path) or email (raw RFC 822). Default: ${DEFAULT-VALUE}.")
    String valueFormat;

    @Option(names = "--json-path", paramLabel = "PATH", defaultValue = "$.text",
            description = "Field holding the text, for --value-format json, e.g. $.body.text. Default: ${DEFAULT-VALUE}.")
    String jsonPath;

    @Option(names = "--max-record-bytes", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Key, value and header bytes above which a record is dead-lettered (too-large)."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "Records scored per classifier call at most; 1 scores each record alone. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--batch-wait-ms", paramLabel = "MS", defaultValue = "50",
            description = "Longest wait for a batch to fill. Default: ${DEFAULT-VALUE}.")
    long batchWaitMs;

    @Option(names = "--classifier-timeout-ms", paramLabel = "MS", defaultValue = "60000",
            description = "Longest wait for one classifier call; its records are then dead-lettered"
                    + " (classifier-timeout). 0 waits for ever. Default: ${DEFAULT-VALUE}.")
    long classifierTimeoutMs;

    @Option(names = "--forward-batch-size", paramLabel = "N", defaultValue = "16",
            description = "Texts per forward pass inside one classifier call; the classifier sorts a call's texts"
                    + " by token length and runs them in passes of this size. Default: ${DEFAULT-VALUE}.")
    int forwardBatchSize;

    @Option(names = "--token-budget", paramLabel = "N", defaultValue = "512",
            description = "Tokens per forward pass at most: a pass ends early rather than exceed it."
                    + " Default: ${DEFAULT-VALUE}.")
    int tokenBudget;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
            description = "Tokens scored per text (the start is kept); 0 is the bundle's max length."
                    + " Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--threshold", paramLabel = "P",
            description = "Spam threshold in [0, 1] instead of the bundle's.")
    Float threshold;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (a GPU when PyTorch sees one), cpu or gpu. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--processing-guarantee", paramLabel = "GUARANTEE", defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "exactly_once_v2 or at_least_once. Default: ${DEFAULT-VALUE}.")
    String processingGuarantee;

    @Option(names = "--stream-threads", paramLabel = "N", defaultValue = "1",
            description = "Kafka Streams threads in this instance. Default: ${DEFAULT-VALUE}.")
    int streamThreads;

    @Option(names = "--inference-threads", paramLabel = "N",
            description = "PyTorch intra-op threads, shared by all stream threads (ai.djl.pytorch.num_threads)."
                    + " Default: PyTorch's choice.")
    Integer inferenceThreads;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state directory. Default: Kafka's.")
    Path stateDir;

    @Option(names = "--create-topics", description = "Create missing topics at start.")
    boolean createTopics;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "3",
            description = "Partitions of topics made by --create-topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "-1",
            description = "Replicas of topics made by --create-topics; -1 is the broker default. Default: ${DEFAULT-VALUE}.")
    int replicationFactor;

    @Option(names = "--embedded-broker",
            description = "Start a single-node Kafka broker (KRaft) in this process, print its address and use it."
                    + " Implies --create-topics.")
    boolean embeddedBroker;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address of the /metrics and /health server. All interfaces by default, so that"
                    + " Kubernetes probes (sent by the kubelet to the pod IP) and Prometheus reach it; use 127.0.0.1"
                    + " where nothing outside the host needs it. Default: ${DEFAULT-VALUE}.")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the /metrics and /health server; 0 picks a free one, -1 turns it off."
                    + " Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long a graceful shutdown may take. Default: ${DEFAULT-VALUE}.")
    int shutdownTimeoutSeconds;

    @Option(names = "--kafka-config", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Raw Kafka Streams or client setting, repeatable, e.g. security.protocol=SASL_SSL.")
    Map<String, String> kafkaConfig = new LinkedHashMap<>();

    private LayeredDefaults defaults = new LayeredDefaults(Map.of(), new Properties());

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Settings resolved from every layer, before anything is started. */
    record Settings(FilterConfig filter, KafkaOptions kafka) {
    }

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
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ex.getMessage());
            LOG.debug("Failure", ex);
            return ex instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_STREAMS_FAILED;
        });
        return cmd;
    }

    /**
     * Checks the options and resolves them into the topology's and Kafka's settings.
     *
     * @param bootstrap the cluster address to use (the embedded broker's, or --bootstrap-servers)
     * @return the settings
     * @throws CommandLine.ParameterException naming the missing or bad option
     */
    Settings settings(String bootstrap) {
        require(model, "--model");
        require(inputTopic, "--input-topic");
        require(spamTopic, "--spam-topic");
        require(hamTopic, "--ham-topic");
        require(dlqTopic, "--dlq-topic");
        require(bootstrap, "--bootstrap-servers");
        try {
            FilterConfig filter = new FilterConfig(inputTopic, spamTopic, hamTopic, dlqTopic,
                    ValueFormat.parse(valueFormat), jsonPath, maxRecordBytes, batchSize, Duration.ofMillis(batchWaitMs),
                    Duration.ofMillis(classifierTimeoutMs));
            KafkaOptions kafka = new KafkaOptions(applicationId, bootstrap, processingGuarantee, streamThreads,
                    stateDir, defaults.kafkaOverrides(kafkaConfig));
            if (inferenceThreads != null && inferenceThreads < 1) {
                throw new IllegalArgumentException("inference threads must be at least 1, got " + inferenceThreads);
            }
            if (forwardBatchSize < 1) {
                throw new IllegalArgumentException("forward batch size must be at least 1, got " + forwardBatchSize);
            }
            if (tokenBudget < 1) {
                throw new IllegalArgumentException("token budget must be at least 1, got " + tokenBudget);
            }
            if (maxTokens < 0) {
                throw new IllegalArgumentException("max tokens must not be negative, got " + maxTokens);
            }
            if (threshold != null && !(threshold >= 0f && threshold <= 1f)) {
                throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
            }
            return new Settings(filter, kafka);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Usage errors first: they must not wait for a model to load.
        Settings checked = settings(embeddedBroker ? "embedded" : bootstrapServers);
        if (inferenceThreads != null) {
            // DJL reads this once, when the PyTorch engine starts: before the model is opened.
            System.setProperty("ai.djl.pytorch.num_threads", inferenceThreads.toString());
        }
        SpamClassifier scorer;
        try {
            scorer = ModelLoader.open(model, forwardBatchSize, tokenBudget, maxTokens, threshold, device);
        } catch (RuntimeException e) {
            err.println("error: cannot load the model bundle " + model + ": " + e.getMessage());
            LOG.debug("Model load failure", e);
            return EXIT_BAD_MODEL;
        }
        out.println("Model " + scorer.modelId() + " loaded from " + model + " on " + scorer.device()
                + " (threshold " + scorer.threshold() + ")");
        try (Resources resources = new Resources(scorer)) {
            Settings settings = checked;
            try {
                if (embeddedBroker) {
                    resources.broker = EmbeddedKafkaBroker.start(
                            SpamFilterTopology.maxMessageBytes(checked.filter()), Map.of());
                    out.println("Embedded Kafka broker (KRaft, single node) listening on "
                            + resources.broker.bootstrapServers());
                    settings = settings(resources.broker.bootstrapServers());
                }
                if (createTopics || embeddedBroker) {
                    List<String> created = TopicSetup.createMissing(StreamsSettings.adminProperties(settings.kafka()),
                            settings.filter(), partitions, replicationFactor);
                    out.println(created.isEmpty() ? "All topics exist" : "Created topics " + created);
                }
            } catch (Exception e) {
                err.println("error: Kafka setup failed: " + e);
                LOG.debug("Kafka setup failure", e);
                return EXIT_KAFKA_SETUP;
            }
            return run(settings, resources, out);
        }
    }

    private int run(Settings settings, Resources resources, PrintWriter out) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        resources.registry = registry;
        new JvmMemoryMetrics().bindTo(registry);
        resources.gcMetrics = new JvmGcMetrics();
        resources.gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        FilterService service = new FilterService(settings.filter(), settings.kafka(), resources.scorer, registry);
        resources.service = service;
        if (httpPort >= 0) {
            resources.http = HealthServer.start(httpHost, httpPort, registry, service::state);
            out.println("Metrics and health on http://" + httpHost + ":" + resources.http.port()
                    + "/metrics, /health/live, /health/ready");
        }
        resources.shutdownTimeout = Duration.ofSeconds(shutdownTimeoutSeconds);
        Thread hook = new Thread(() -> {
            LOG.info("Shutdown requested; stopping within {} s", shutdownTimeoutSeconds);
            resources.close();
        }, "spamgpt-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
        out.printf("Filtering %s -> spam: %s, ham: %s, dead letters: %s (%s, %s, batch %d)%n",
                settings.filter().inputTopic(), settings.filter().spamTopic(), settings.filter().hamTopic(),
                settings.filter().dlqTopic(), settings.filter().valueFormat(), settings.kafka().processingGuarantee(),
                settings.filter().batchSize());
        out.flush();
        boolean failed = service.awaitStop();
        return failed ? EXIT_STREAMS_FAILED : EXIT_OK;
    }

    private static void require(Object value, String option) {
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("missing " + option + " (or " + envFor(option) + ", or "
                    + option.substring(2).replace('-', '.') + " in the --config-file)");
        }
    }

    private static String envFor(String option) {
        return LayeredDefaults.ENV_PREFIX + option.substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Everything the run opened, closed in reverse order exactly once (by the hook or by main). */
    private static final class Resources implements AutoCloseable {
        final SpamScorer scorer;
        EmbeddedKafkaBroker broker;
        PrometheusMeterRegistry registry;
        JvmGcMetrics gcMetrics;
        FilterService service;
        HealthServer http;
        Duration shutdownTimeout = Duration.ofSeconds(30);
        private boolean closed;

        Resources(SpamScorer scorer) {
            this.scorer = scorer;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            boolean threadsStopped = service == null || service.close(shutdownTimeout);
            if (http != null) {
                http.close();
            }
            if (gcMetrics != null) {
                gcMetrics.close();
            }
            if (registry != null) {
                registry.close();
            }
            // Native memory: only safe once no stream thread can be inside the model.
            if (threadsStopped) {
                scorer.close();
            }
            if (broker != null) {
                try {
                    broker.close();
                } catch (RuntimeException e) {
                    LOG.warn("Embedded broker did not stop cleanly", e);
                }
            }
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
