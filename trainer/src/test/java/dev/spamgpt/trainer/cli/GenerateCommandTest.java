package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.testing.GoldenFixture;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;

    private static Path golden;

    @BeforeAll
    static void copyGoldenCheckpoint() {
        golden = GoldenFixture.copyCheckpoint(tmp.resolve("golden"));
    }

    /** Exit code, standard output and standard error of one run. */
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SpamGptCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonShouldCarryThePromptIdsAndThePyTorchGreedyIds() throws IOException {
        GoldenFixture.Case c = GoldenFixture.get("every_effort");

        Run run =
                run(
                        "generate",
                        "--base-model",
                        golden.toString(),
                        "--prompt",
                        "Every effort moves you",
                        "--max-new-tokens",
                        "8",
                        "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        assertThat(ints(json.get("prompt_ids"))).containsExactly(6109, 3626, 6100, 345);
        assertThat(ints(json.get("generated_ids"))).containsExactly(c.greedyIds());
        assertThat(json.get("text").asText()).isEqualTo(Gpt2Tokenizer.get().decode(c.greedyIds()));
        assertThat(json.get("prompt").asText()).isEqualTo("Every effort moves you");
    }

    @Test
    void textOutputShouldBeThePromptFollowedByTheGreedyContinuation() {
        GoldenFixture.Case c = GoldenFixture.get("hello_i_am");

        Run run =
                run(
                        "generate",
                        "--base-model",
                        golden.toString(),
                        "--prompt",
                        "Hello, I am",
                        "--max-new-tokens",
                        "8");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .isEqualTo(
                        "Hello, I am"
                                + Gpt2Tokenizer.get().decode(c.greedyIds())
                                + System.lineSeparator());
    }

    @Test
    void samplingShouldRepeatWithTheSameSeedAndTopKOneShouldBeGreedy() throws IOException {
        String[] common = {
            "generate",
            "--base-model",
            golden.toString(),
            "--prompt",
            "Every effort moves you",
            "--max-new-tokens",
            "8",
            "--json",
            "--temperature",
            "1.5"
        };

        List<int[]> bySeed = new ArrayList<>();
        for (String seed : new String[] {"1", "1", "2"}) {
            Run run = run(concat(common, "--seed", seed));
            assertThat(run.exitCode()).as(run.err()).isZero();
            bySeed.add(ints(JSON.readTree(run.out()).get("generated_ids")));
        }
        Run topOne = run(concat(common, "--top-k", "1", "--seed", "7"));

        assertThat(bySeed.get(0)).isEqualTo(bySeed.get(1));
        assertThat(bySeed.get(0)).isNotEqualTo(bySeed.get(2));
        assertThat(ints(JSON.readTree(topOne.out()).get("generated_ids")))
                .containsExactly(GoldenFixture.get("every_effort").greedyIds());
    }

    @Test
    void aHubIdShouldBeDownloadedOnceAndThenServedFromTheCache() throws IOException {
        Path cache = tmp.resolve("cache-generate");
        String[] args;
        try (LocalHub hub = new LocalHub().serve("test-org/golden", golden)) {
            args =
                    new String[] {
                        "generate",
                        "--base-model",
                        "test-org/golden",
                        "--cache-dir",
                        cache.toString(),
                        "--hub-url",
                        hub.url(),
                        "--prompt",
                        "Every effort moves you",
                        "--max-new-tokens",
                        "8",
                        "--json"
                    };
            Run first = run(args);
            assertThat(first.exitCode()).as(first.err()).isZero();
            assertThat(hub.requests()).hasSize(2);
        }
        Run offline = run(args); // the hub is gone: the cache must be enough

        assertThat(offline.exitCode()).as(offline.err()).isZero();
        assertThat(ints(JSON.readTree(offline.out()).get("generated_ids")))
                .containsExactly(GoldenFixture.get("every_effort").greedyIds());
    }

    @Test
    void offlineHubIdShouldFailWithTheFilesToFetchByHand() throws IOException {
        String dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = "http://127.0.0.1:" + socket.getLocalPort();
        }
        Path cache = tmp.resolve("cache-offline");

        Run run =
                run(
                        "generate",
                        "--cache-dir",
                        cache.toString(),
                        "--hub-url",
                        dead,
                        "--prompt",
                        "hi",
                        "--max-new-tokens",
                        "1");

        assertThat(run.exitCode()).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(run.err())
                .contains("openai-community/gpt2")
                .contains(dead + "/openai-community/gpt2/resolve/main/config.json")
                .contains(dead + "/openai-community/gpt2/resolve/main/model.safetensors")
                .contains(
                        cache.resolve("models/openai-community--gpt2").toAbsolutePath().toString())
                .doesNotContain("Exception");
    }

    @Test
    void aCorruptCheckpointShouldFailNamingTheFile() throws IOException {
        Path broken = GoldenFixture.copyCheckpoint(tmp.resolve("broken"));
        Path weights = broken.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        Run run = run("generate", "--base-model", broken.toString(), "--prompt", "hi");

        assertThat(run.exitCode()).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(run.err())
                .contains("cannot load the base model")
                .contains(weights.toString())
                .contains("truncated");
    }

    @Test
    void badArgumentsShouldBeUsageErrors() {
        assertThat(
                        run(
                                        "generate",
                                        "--base-model",
                                        golden.toString(),
                                        "--prompt",
                                        "hi",
                                        "--max-new-tokens",
                                        "-1")
                                .exitCode())
                .isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(
                        run(
                                        "generate",
                                        "--base-model",
                                        golden.toString(),
                                        "--prompt",
                                        "hi",
                                        "--temperature",
                                        "-0.5")
                                .exitCode())
                .isEqualTo(SpamGptCli.EXIT_USAGE);
        Run missing =
                run(
                        "generate",
                        "--base-model",
                        tmp.resolve("no-such-folder").toString(),
                        "--prompt",
                        "hi");
        assertThat(missing.exitCode()).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missing.err()).contains("neither a folder nor a hub id");
        assertThat(run("generate", "--base-model", golden.toString()).exitCode())
                .as("--prompt is required")
                .isEqualTo(SpamGptCli.EXIT_USAGE);
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
