package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.TinyCheckpoints;
import dev.spamgpt.trainer.cli.SpamGptCli;
import dev.spamgpt.trainer.data.LabelledText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

class TrainingRunTest {

    /** A checkpoint config whose dropout (0.1, like GPT-2's config.json) training must override. */
    private static final GptConfig CHECKPOINT =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 48, 16, 3, 2, 1e-5f, 0.1f);

    private static final GptConfig RANDOM =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 48, 16, 2, 2, 1e-5f, 0f);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void exportedBundleShouldScoreLikeTheModelAtTheEndOfTraining(Pooling pooling)
            throws IOException {
        Path checkpoint =
                TinyCheckpoints.write(
                        dir.resolve("gpt2"), TinyCheckpoints.options().config(CHECKPOINT));
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 64, 11);
        TrainingRun.Settings settings =
                new TrainingRun.Settings(
                        data,
                        dir.resolve("run"),
                        "test/tiny-gpt2",
                        checkpoint,
                        null,
                        TrainableLayers.LAST_BLOCK,
                        pooling,
                        0,
                        new TrainOptions(2, 8, 1e-3, 0.1, 123, 4, 2),
                        true,
                        0f,
                        "spamgpt-test");
        try (TrainingRun run = TrainingRun.run(settings, QUIET, false)) {
            assertThat(run.manifest().training()).containsEntry("frozen_layer_cache", true);
            assertThat(run.manifest().pooling()).isEqualTo(pooling.id());
            List<String> texts = texts(run.data("test"));
            float[] inMemory = run.predictions("test").spamProbabilities();
            Path bundle = dir.resolve("run/bundle");
            try (SpamClassifier classifier = SpamClassifier.open(bundle)) {
                float[] served = classifier.spamProbabilities(texts);
                for (int i = 0; i < texts.size(); i++) {
                    assertThat(served[i]).as(texts.get(i)).isCloseTo(inMemory[i], within(1e-5f));
                }
            }
            // the same through the command a user types
            List<String> args =
                    new ArrayList<>(List.of("classify", "--json", "--model", bundle.toString()));
            args.addAll(texts);
            StringWriter out = new StringWriter();
            CommandLine cli = SpamGptCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute(args.toArray(String[]::new))).isZero();
            String[] lines = out.toString().split("\n");
            assertThat(lines).hasSize(texts.size());
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < lines.length; i++) {
                JsonNode node = json.readTree(lines[i]);
                assertThat(node.get("text").asText()).isEqualTo(texts.get(i));
                assertThat((float) node.get("spam_probability").asDouble())
                        .isCloseTo(inMemory[i], within(1e-5f));
                assertThat(node.get("label").asText())
                        .isEqualTo(inMemory[i] >= 0.5f ? "spam" : "ham");
            }
        }
    }

    @Test
    void sameSeedShouldGiveTheSameMetricsAndAnotherSeedOthers() throws IOException {
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 48, 5);
        Map<String, Object> first = metrics(data, "a", 123);
        Map<String, Object> second = metrics(data, "b", 123);
        Map<String, Object> other = metrics(data, "c", 124);
        assertThat(second).isEqualTo(first);
        assertThat(other.get("history")).isNotEqualTo(first.get("history"));
        assertThat((double) first.get("test_loss")).isNotEqualTo((double) other.get("test_loss"));
    }

    private Map<String, Object> metrics(Path data, String name, int seed) throws IOException {
        TrainingRun.Settings settings =
                new TrainingRun.Settings(
                        data,
                        dir.resolve(name),
                        null,
                        null,
                        RANDOM,
                        TrainableLayers.EVERYTHING,
                        Pooling.LAST_TOKEN,
                        0,
                        new TrainOptions(1, 8, 1e-3, 0.1, seed, 2, 2),
                        true,
                        0f,
                        "spamgpt-test");
        try (TrainingRun run = TrainingRun.run(settings, QUIET, false)) {
            Map<String, Object> m = new LinkedHashMap<>(run.metrics());
            for (String timing : List.of("train_seconds", "cache_seconds", "cpu_seconds")) {
                assertThat(m.remove(timing)).as(timing).isNotNull();
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> baseline =
                    new LinkedHashMap<>((Map<String, Object>) m.get("baseline"));
            assertThat(baseline.remove("fit_seconds")).isNotNull();
            m.put("baseline", baseline);
            return m;
        }
    }

    private static List<String> texts(List<LabelledText> rows) {
        List<String> texts = new ArrayList<>();
        rows.forEach(r -> texts.add(r.text()));
        return texts;
    }
}
