package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.TinyCheckpoints;
import dev.spamgpt.trainer.train.SyntheticSms;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir Path dir;

    @Test
    void trainShouldWriteBundleMetricsAndPlotFromRandomInit() throws IOException {
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 64, 1);
        Path out = dir.resolve("run");

        CliRun run =
                CliRun.trainTiny(
                        data, out, "--epochs", "1", "--eval-freq", "4", "--eval-iter", "1");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out)
                .contains(
                        "--trainable all: the default with --init random",
                        "--lr 0.001",
                        "Device: cpu()",
                        "Ep 1 (Step 000000): Train loss",
                        "Ep 1 (Step 000004)",
                        "Training accuracy:",
                        "Test accuracy:",
                        "Frozen-layer cache: off (the embeddings train)");
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String key : new String[] {"train_accuracy", "validation_accuracy", "test_accuracy"}) {
            assertThat(metrics.get(key).asDouble()).as(key).isBetween(0.0, 1.0);
        }
        assertThat(metrics.get("train_seconds").asDouble()).isPositive();
        assertThat(metrics.get("device").asText()).isEqualTo("cpu()");
        assertThat(metrics.get("steps").asInt()).isEqualTo(8);
        assertThat(metrics.at("/splits/test/confusion_matrix").size()).isEqualTo(4);
        assertThat(metrics.at("/splits/test/examples").asInt()).isEqualTo(16);
        assertThat(metrics.at("/history/evaluations")).hasSize(2);
        assertThat(metrics.at("/history/epochs")).hasSize(1);
        assertThat(run.out).contains("Model vs lexical baseline", "Baseline: fitted in");
        assertThat(run.out).containsPattern("test +model +\\d+\\.\\d\\d%");
        assertThat(metrics.at("/baseline/train_examples").asInt()).isEqualTo(64);
        assertThat(metrics.at("/baseline/splits/test/examples").asInt()).isEqualTo(16);
        assertThat(metrics.at("/baseline/splits/validation/accuracy").asDouble())
                .isBetween(0.0, 1.0);
        assertThat(metrics.at("/baseline/fit_seconds").asDouble()).isPositive();

        ModelBundle bundle = ModelBundle.read(out.resolve("bundle"));
        assertThat(bundle.config()).isEqualTo(GptConfig.preset("tiny"));
        assertThat(bundle.manifest().pooling()).isEqualTo("last-token");
        assertThat(bundle.manifest().maxLength()).isEqualTo(256);
        assertThat(bundle.manifest().threshold()).isEqualTo(0.5);
        assertThat(bundle.manifest().baseModel()).containsEntry("id", "random:tiny");
        assertThat(bundle.manifest().datasetSha256()).hasSize(64);
        assertThat(bundle.manifest().metrics())
                .containsKey("test_accuracy")
                .containsKey("baseline")
                .doesNotContainKey("history");
        assertThat(bundle.manifest().training())
                .containsEntry("trainable", "all")
                .containsEntry("epochs", 1);

        BufferedImage plot = ImageIO.read(out.resolve("training.png").toFile());
        assertThat(plot.getWidth()).isGreaterThan(600);
    }

    @Test
    void trainShouldFineTuneACheckpointFolderWithTheCacheAndBookPooling() throws IOException {
        Path checkpoint = TinyCheckpoints.write(dir.resolve("gpt2"), TinyCheckpoints.options());
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 32, 2);
        Path out = dir.resolve("run");

        CliRun run =
                CliRun.train(
                        data,
                        out,
                        "--base-model",
                        checkpoint.toString(),
                        "--epochs",
                        "1",
                        "--pooling",
                        "book",
                        "--trainable",
                        "last-n-blocks",
                        "1");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out)
                .contains(
                        "Frozen-layer cache: embeddings and blocks 0..0 run once per example",
                        "Trainable: last-block",
                        "lr 5.0E-5");
        ModelBundle bundle = ModelBundle.read(out.resolve("bundle"));
        assertThat(bundle.manifest().pooling()).isEqualTo("book");
        // book pooling pads to the longest training example, which is at most the context (32)
        assertThat(bundle.manifest().maxLength()).isBetween(5, 32);
        assertThat(bundle.manifest().baseModel())
                .containsEntry("id", checkpoint.toString())
                .containsKey("sha256");
    }

    @Test
    void maxTokensShouldBeRecordedAsTheBundlesMaxLengthUnderEitherName() throws IOException {
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 16, 4);
        for (String name : new String[] {"--max-tokens", "--max-length"}) {
            Path out = dir.resolve("run" + name);
            CliRun run = CliRun.train(data, out, "--init", "random", "--epochs", "1", name, "20");
            assertThat(run.code).as(name + "\n" + run).isZero();
            assertThat(run.out).as(name).contains("max length 20 tokens");
            assertThat(ModelBundle.read(out.resolve("bundle")).manifest().maxLength())
                    .as(name)
                    .isEqualTo(20);
        }
    }

    @Test
    void trainShouldExplainMissingDataAndBadOptions() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("nothing"));
        CliRun missing = CliRun.train(empty, dir.resolve("o"), "--init", "random");
        assertThat(missing.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missing.err).contains("train.csv is missing", "prepare");

        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 16, 3);
        Path broken = SyntheticSms.writeSplits(dir.resolve("broken"), 16, 3);
        Files.writeString(broken.resolve("train.csv"), "label,text\n0,fine\n7,bad label\n");
        CliRun malformed = CliRun.train(broken, dir.resolve("o"), "--init", "random");
        assertThat(malformed.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(malformed.err).contains("train.csv line 3", "label must be 0 or 1");

        String[][] bad = {
            {"--init", "random", "--trainable", "top"},
            {"--init", "random", "--trainable", "last-n-blocks", "9"},
            {"--init", "random", "--max-length", "999"},
            {"--init", "random", "--max-tokens", "999"},
            {"--init", "random", "--max-length", "-1"},
            {"--init", "random", "--config", "huge"},
            {"--init", "random", "--pooling", "middle"},
            {"--init", "magic"},
            {"--init", "random", "--epochs", "0"},
            {"--init", "random", "--batch-size", "100"},
        };
        String[] expected = {
            "unknown --trainable 'top'",
            "only 2 blocks",
            "exceeds the model's context of 256",
            "--max-tokens 999 exceeds the model's context of 256",
            "--max-tokens must be positive, got -1",
            "unknown model preset 'huge'",
            "unknown pooling 'middle'",
            "--init must be",
            "at least 1",
            "fewer than one batch of 100"
        };
        for (int i = 0; i < bad.length; i++) {
            Path out = dir.resolve("o" + i);
            CliRun run = CliRun.train(data, out, bad[i]);
            String what = String.join(" ", bad[i]);
            assertThat(run.code).as(what + "\n" + run).isEqualTo(SpamGptCli.EXIT_USAGE);
            assertThat(run.err).as(what).contains(expected[i]);
            assertThat(out.resolve("bundle")).doesNotExist();
        }
    }
}
