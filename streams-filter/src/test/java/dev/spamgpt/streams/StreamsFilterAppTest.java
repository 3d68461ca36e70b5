package dev.spamgpt.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.streams.config.ValueFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StreamsFilterAppTest {

    private static final String[] REQUIRED = required("/models/sms", "kafka:9092");

    @TempDir Path dir;

    /** The required options, in order: model, bootstrap servers, then the four topics. */
    private static String[] required(String model, String bootstrap) {
        return new String[] {
            "--model",
            model,
            "--bootstrap-servers",
            bootstrap,
            "--input-topic",
            "in",
            "--spam-topic",
            "spam",
            "--ham-topic",
            "ham",
            "--dlq-topic",
            "dlq"
        };
    }

    /** What one run of the command line returned and printed. */
    private record Run(int code, String out, String err) {}

    private static Run execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpShouldListEveryOption() {
        Run help = execute("--help");

        assertThat(help.code()).isZero();
        for (CommandLine.Model.OptionSpec option :
                StreamsFilterApp.commandLine(Map.of(), new String[] {"--help"})
                        .getCommandSpec()
                        .options()) {
            assertThat(help.out()).contains(option.longestName());
        }
        assertThat(help.out()).contains("Precedence: flag > environment > file > default");
    }

    @Test
    void helpShouldListTheOptionsUnderAHeadingPerConcern() {
        String help = execute("--help").out();

        assertThat(help)
                .containsSubsequence(
                        "--model",
                        "Kafka:",
                        "--bootstrap-servers",
                        "Topics:",
                        "--input-topic",
                        "Records and micro-batches:",
                        "--batch-size",
                        "Inference:",
                        "--max-tokens",
                        "Metrics, health and shutdown:",
                        "--http-port",
                        "Exit codes");
    }

    @Test
    void aRepeatedOptionShouldBeAUsageErrorInEveryConcern() {
        for (String option :
                new String[] {"--input-topic", "--max-tokens", "--stream-threads", "--http-port"}) {
            Run run = execute(concat(REQUIRED, option, "3", option, "4"));

            assertThat(run.code()).as(option).isEqualTo(StreamsFilterApp.EXIT_USAGE);
            assertThat(run.err())
                    .as(option)
                    .contains(option)
                    .contains("should be specified only once");
        }
    }

    @Test
    void flagShouldBeatEnvironmentWhichShouldBeatFileWhichShouldBeatDefault() throws IOException {
        Path file = dir.resolve("filter.properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "batch.size=8",
                        "batch.wait.ms=20",
                        "stream.threads=3",
                        "value.format=json",
                        "kafka.security.protocol=SSL",
                        "kafka.max.poll.records=100"));
        Map<String, String> env =
                Map.of(
                        "SPAMGPT_BATCH_WAIT_MS",
                        "40",
                        "SPAMGPT_STREAM_THREADS",
                        "2",
                        "SPAMGPT_KAFKA_MAX_POLL_RECORDS",
                        "200",
                        "SPAMGPT_KAFKA_LINGER_MS",
                        "5");
        String[] args =
                concat(
                        REQUIRED,
                        "--config-file",
                        file.toString(),
                        "--stream-threads",
                        "4",
                        "--kafka-config",
                        "linger.ms=9");

        StreamsFilterApp.Settings settings = parse(env, args).settings("kafka:9092");

        assertThat(settings.filter().batchSize()).as("file over default").isEqualTo(8);
        assertThat(settings.filter().batchWait().toMillis()).as("env over file").isEqualTo(40);
        assertThat(settings.kafka().streamThreads()).as("flag over env").isEqualTo(4);
        assertThat(settings.filter().valueFormat()).isEqualTo(ValueFormat.JSON);
        assertThat(settings.filter().jsonPath()).as("default").isEqualTo("$.text");
        assertThat(settings.kafka().overrides())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("max.poll.records", "200")
                .containsEntry("linger.ms", "9");
        assertThat(settings.kafka().processingGuarantee()).isEqualTo("exactly_once_v2");
    }

    @Test
    void requiredOptionsMayComeFromTheEnvironment() {
        Map<String, String> env =
                Map.of(
                        "SPAMGPT_MODEL",
                        "/m",
                        "SPAMGPT_INPUT_TOPIC",
                        "a",
                        "SPAMGPT_SPAM_TOPIC",
                        "b",
                        "SPAMGPT_HAM_TOPIC",
                        "c",
                        "SPAMGPT_DLQ_TOPIC",
                        "d",
                        "SPAMGPT_PROCESSING_GUARANTEE",
                        "at_least_once");

        StreamsFilterApp.Settings settings = parse(env, new String[0]).settings("kafka:9092");

        assertThat(settings.filter().inputTopic()).isEqualTo("a");
        assertThat(settings.filter().dlqTopic()).isEqualTo("d");
        assertThat(settings.kafka().processingGuarantee()).isEqualTo("at_least_once");
    }

    @Test
    void shouldExitWithUsageErrorNamingTheMissingOption() {
        // Model, bootstrap servers, input and spam topics: no ham topic, no dead-letter topic.
        Run run = execute(Arrays.copyOf(REQUIRED, 8));

        assertThat(run.code()).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(run.err()).contains("missing --ham-topic").contains("SPAMGPT_HAM_TOPIC");
    }

    @Test
    void shouldRejectAnUnknownGuaranteeAndFormat() {
        Run guarantee = execute(concat(REQUIRED, "--processing-guarantee", "exactly_once"));

        assertThat(guarantee.code()).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(guarantee.err()).contains("exactly_once_v2 or at_least_once");

        Run format = execute(concat(REQUIRED, "--value-format", "xml"));
        assertThat(format.code()).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(format.err()).contains("unknown value format 'xml'");
    }

    @Test
    void inferenceOptionsShouldComeFromEveryLayerAndBecomeTheClassifiersOptions()
            throws IOException {
        Path file = dir.resolve("filter.properties");
        Files.writeString(
                file, String.join("\n", "token.budget=256", "max.tokens=40", "device=cpu"));
        Map<String, String> env = Map.of("SPAMGPT_MAX_TOKENS", "100", "SPAMGPT_THRESHOLD", "0.7");
        String[] args =
                concat(REQUIRED, "--config-file", file.toString(), "--forward-batch-size", "4");

        StreamsFilterApp.Settings settings = parse(env, args).settings("kafka:9092");

        assertThat(settings.classifier().maxBatchSize()).as("flag").isEqualTo(4);
        assertThat(settings.classifier().tokenBudget()).as("file").isEqualTo(256);
        assertThat(settings.classifier().maxTokens()).as("env over file").isEqualTo(100);
        assertThat(settings.classifier().threshold()).isEqualTo(0.7f);
        assertThat(settings.classifier().device()).isEqualTo("cpu");
        assertThat(parse(Map.of(), REQUIRED).settings("kafka:9092").classifier().maxBatchSize())
                .as("default")
                .isEqualTo(16);
    }

    @Test
    void shouldExitWithUsageErrorNamingTheBadInferenceOption() {
        for (String[] bad :
                new String[][] {
                    {"--forward-batch-size", "0"},
                    {"--token-budget", "0"},
                    {"--max-tokens", "-1"},
                    {"--threshold", "1.5"},
                    {"--inference-threads", "0"}
                }) {
            Run run = execute(concat(REQUIRED, bad));

            assertThat(run.code()).as(bad[0]).isEqualTo(StreamsFilterApp.EXIT_USAGE);
            assertThat(run.err()).as(bad[0]).contains(bad[0] + " must ").contains("got " + bad[1]);
        }
    }

    @Test
    void shouldExitWithCodeThreeNamingTheProblemWhenTheBundleCannotBeLoaded() throws IOException {
        Path notABundle = Files.createDirectories(dir.resolve("empty-bundle"));
        Run run =
                execute(
                        concat(
                                required(notABundle.toString(), "localhost:1"),
                                "--http-port",
                                "-1"));

        assertThat(run.code()).isEqualTo(StreamsFilterApp.EXIT_BAD_MODEL);
        assertThat(run.err())
                .contains("cannot load the model bundle " + notABundle)
                .contains("manifest.json");
    }

    private static StreamsFilterApp parse(Map<String, String> env, String[] args) {
        CommandLine cmd = StreamsFilterApp.commandLine(env, args);
        cmd.parseArgs(args);
        return cmd.getCommand();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
