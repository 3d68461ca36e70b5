package dev.spamgpt.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.streams.config.ValueFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StreamsFilterAppTest {

    private static final String[] REQUIRED = {
        "--model", "/models/sms", "--bootstrap-servers", "kafka:9092", "--input-topic", "in",
        "--spam-topic", "spam", "--ham-topic", "ham", "--dlq-topic", "dlq"
    };

    @TempDir Path dir;

    @Test
    void helpShouldListEveryOption() {
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), new String[] {"--help"});
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));

        int code = cmd.execute("--help");

        assertThat(code).isZero();
        for (CommandLine.Model.OptionSpec option : cmd.getCommandSpec().options()) {
            assertThat(out.toString()).contains(option.longestName());
        }
        assertThat(out.toString()).contains("Precedence: flag > environment > file > default");
    }

    @Test
    void helpShouldListTheOptionsUnderAHeadingPerConcern() {
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), new String[] {"--help"});
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));

        cmd.execute("--help");

        String help = out.toString();
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
            StringWriter err = new StringWriter();
            String[] args = concat(REQUIRED, option, "3", option, "4");
            CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
            cmd.setErr(new PrintWriter(err));

            assertThat(cmd.execute(args)).as(option).isEqualTo(StreamsFilterApp.EXIT_USAGE);
            assertThat(err.toString())
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
        StringWriter err = new StringWriter();
        String[] args = {
            "--model",
            "/m",
            "--bootstrap-servers",
            "k:1",
            "--input-topic",
            "in",
            "--spam-topic",
            "s"
        };
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
        cmd.setErr(new PrintWriter(err));

        int code = cmd.execute(args);

        assertThat(code).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(err.toString()).contains("missing --ham-topic").contains("SPAMGPT_HAM_TOPIC");
    }

    @Test
    void shouldRejectAnUnknownGuaranteeAndFormat() {
        StringWriter err = new StringWriter();
        String[] args = concat(REQUIRED, "--processing-guarantee", "exactly_once");
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
        cmd.setErr(new PrintWriter(err));

        assertThat(cmd.execute(args)).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(err.toString()).contains("exactly_once_v2 or at_least_once");

        String[] badFormat = concat(REQUIRED, "--value-format", "xml");
        cmd = StreamsFilterApp.commandLine(Map.of(), badFormat);
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute(badFormat)).isEqualTo(StreamsFilterApp.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown value format 'xml'");
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
            StringWriter err = new StringWriter();
            String[] args = concat(REQUIRED, bad);
            CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
            cmd.setErr(new PrintWriter(err));

            assertThat(cmd.execute(args)).as(bad[0]).isEqualTo(StreamsFilterApp.EXIT_USAGE);
            assertThat(err.toString())
                    .as(bad[0])
                    .contains(bad[0] + " must ")
                    .contains("got " + bad[1]);
        }
    }

    @Test
    void shouldExitWithCodeThreeNamingTheProblemWhenTheBundleCannotBeLoaded() throws IOException {
        Path notABundle = Files.createDirectories(dir.resolve("empty-bundle"));
        StringWriter err = new StringWriter();
        String[] args = {
            "--model",
            notABundle.toString(),
            "--bootstrap-servers",
            "localhost:1",
            "--input-topic",
            "in",
            "--spam-topic",
            "s",
            "--ham-topic",
            "h",
            "--dlq-topic",
            "d",
            "--http-port",
            "-1"
        };
        CommandLine cmd = StreamsFilterApp.commandLine(Map.of(), args);
        cmd.setErr(new PrintWriter(err));

        int code = cmd.execute(args);

        assertThat(code).isEqualTo(StreamsFilterApp.EXIT_BAD_MODEL);
        assertThat(err.toString())
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
