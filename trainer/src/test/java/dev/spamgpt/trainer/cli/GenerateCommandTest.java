package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.testing.GoldenFixture;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;

    private static Path golden;

    @BeforeAll
    static void copyGoldenCheckpoint() {
        golden = GoldenFixture.copyCheckpoint(tmp.resolve("golden"));
    }

    /** {@code generate --base-model GOLDEN --prompt PROMPT}, then the options. */
    private static CliRun generate(String prompt, String... options) {
        String[] args = {"generate", "--base-model", golden.toString(), "--prompt", prompt};
        return CliRun.of(CliRun.concat(args, options));
    }

    @Test
    void jsonShouldCarryThePromptIdsAndThePyTorchGreedyIds() throws IOException {
        GoldenFixture.Case c = GoldenFixture.get("every_effort");

        CliRun run = generate("Every effort moves you", "--max-new-tokens", "8", "--json");

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode json = JSON.readTree(run.out);
        assertThat(ints(json.get("prompt_ids"))).containsExactly(6109, 3626, 6100, 345);
        assertThat(ints(json.get("generated_ids"))).containsExactly(c.greedyIds());
        assertThat(json.get("text").asText()).isEqualTo(Gpt2Tokenizer.get().decode(c.greedyIds()));
        assertThat(json.get("prompt").asText()).isEqualTo("Every effort moves you");
    }

    @Test
    void textOutputShouldBeThePromptFollowedByTheGreedyContinuation() {
        GoldenFixture.Case c = GoldenFixture.get("hello_i_am");

        CliRun run = generate("Hello, I am", "--max-new-tokens", "8");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out)
                .isEqualTo(
                        "Hello, I am"
                                + Gpt2Tokenizer.get().decode(c.greedyIds())
                                + System.lineSeparator());
    }

    @Test
    void samplingShouldRepeatWithTheSameSeedAndTopKOneShouldBeGreedy() throws IOException {
        String[] common = {"--max-new-tokens", "8", "--json", "--temperature", "1.5"};
        String prompt = "Every effort moves you";

        List<int[]> bySeed = new ArrayList<>();
        for (String seed : new String[] {"1", "1", "2"}) {
            CliRun run = generate(prompt, CliRun.concat(common, "--seed", seed));
            assertThat(run.code).as(run.toString()).isZero();
            bySeed.add(ints(JSON.readTree(run.out).get("generated_ids")));
        }
        CliRun topOne = generate(prompt, CliRun.concat(common, "--top-k", "1", "--seed", "7"));

        assertThat(bySeed.get(0)).isEqualTo(bySeed.get(1));
        assertThat(bySeed.get(0)).isNotEqualTo(bySeed.get(2));
        assertThat(ints(JSON.readTree(topOne.out).get("generated_ids")))
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
            CliRun first = CliRun.of(args);
            assertThat(first.code).as(first.toString()).isZero();
            assertThat(hub.requests()).hasSize(2);
        }
        CliRun offline = CliRun.of(args); // the hub is gone: the cache must be enough

        assertThat(offline.code).as(offline.toString()).isZero();
        assertThat(ints(JSON.readTree(offline.out).get("generated_ids")))
                .containsExactly(GoldenFixture.get("every_effort").greedyIds());
    }

    @Test
    void offlineHubIdShouldFailWithTheFilesToFetchByHand() throws IOException {
        String dead = LocalHub.deadUrl();
        Path cache = tmp.resolve("cache-offline");

        CliRun run =
                CliRun.of(
                        "generate",
                        "--cache-dir",
                        cache.toString(),
                        "--hub-url",
                        dead,
                        "--prompt",
                        "hi",
                        "--max-new-tokens",
                        "1");

        assertThat(run.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(run.err)
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

        CliRun run = CliRun.of("generate", "--base-model", broken.toString(), "--prompt", "hi");

        assertThat(run.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(run.err)
                .contains("cannot load the base model")
                .contains(weights.toString())
                .contains("truncated");
    }

    @Test
    void badArgumentsShouldBeUsageErrors() {
        assertThat(generate("hi", "--max-new-tokens", "-1").code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(generate("hi", "--temperature", "-0.5").code).isEqualTo(SpamGptCli.EXIT_USAGE);
        CliRun missing =
                CliRun.of(
                        "generate",
                        "--base-model",
                        tmp.resolve("no-such-folder").toString(),
                        "--prompt",
                        "hi");
        assertThat(missing.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missing.err).contains("neither a folder nor a hub id");
        assertThat(CliRun.of("generate", "--base-model", golden.toString()).code)
                .as("--prompt is required")
                .isEqualTo(SpamGptCli.EXIT_USAGE);
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
