package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.ThresholdSelector;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluateCommandTest extends WithTrainedBundle {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void evaluateShouldReproduceTheMetricsTrainingWrote() throws IOException {
        Path test = trained.data.resolve("test.csv");
        CliRun run =
                CliRun.of(
                        "evaluate",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        test.toString(),
                        "--json");

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode got = JSON.readTree(run.out).get("metrics");
        JsonNode written =
                JSON.readTree(trained.run.resolve("metrics.json").toFile()).at("/splits/test");
        assertThat(got.get("accuracy").asDouble()).isEqualTo(written.get("accuracy").asDouble());
        assertThat(got.get("loss").asDouble())
                .isCloseTo(written.get("loss").asDouble(), within(1e-6));
        assertThat(got.get("roc_auc").asDouble())
                .isCloseTo(written.get("roc_auc").asDouble(), within(1e-9));
        assertThat(got.get("confusion_matrix")).isEqualTo(written.get("confusion_matrix"));
        // the baseline is fitted again on train.csv beside test.csv: the same figures as training's
        JsonNode baseline = JSON.readTree(run.out).at("/baseline/splits/test.csv");
        JsonNode trainedBaseline =
                JSON.readTree(trained.run.resolve("metrics.json").toFile())
                        .at("/baseline/splits/test");
        assertThat(baseline.get("confusion_matrix"))
                .isEqualTo(trainedBaseline.get("confusion_matrix"));
        assertThat(run.err).contains("Baseline: fitting TF-IDF + logistic regression");

        CliRun plain =
                CliRun.of(
                        "evaluate",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        test.toString());
        assertThat(plain.out)
                .contains("test.csv: accuracy", "precision", "ROC AUC", "confusion: ham kept");
        assertThat(plain.out)
                .contains("Model vs lexical baseline")
                .containsPattern("test.csv +model +\\d+\\.\\d\\d%");

        CliRun without =
                CliRun.of(
                        "evaluate",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        test.toString(),
                        "--no-baseline",
                        "--json");
        assertThat(without.code).as(without.toString()).isZero();
        assertThat(JSON.readTree(without.out).has("baseline")).isFalse();

        CliRun both =
                CliRun.of(
                        "evaluate",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        test.toString(),
                        "--no-baseline",
                        "--baseline-train",
                        trained.data.resolve("train.csv").toString());
        assertThat(both.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(both.err).contains("--no-baseline");
    }

    @Test
    void thresholdForFprShouldStoreTheLowestThresholdThatKeepsHam() throws IOException {
        Path bundle = trained.copy(dir.resolve("bundle"));
        Path validation = trained.data.resolve("validation.csv");
        CliRun run =
                CliRun.of(
                        "evaluate",
                        "--model",
                        bundle.toString(),
                        "--threshold-for-fpr",
                        "0",
                        "--validation",
                        validation.toString(),
                        "--data",
                        trained.data.resolve("test.csv").toString(),
                        "--json");

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode picked = JSON.readTree(run.out).get("threshold_selection");
        double threshold = picked.get("threshold").asDouble();
        assertThat(picked.get("validation_false_positive_rate").asDouble()).isZero();
        assertThat(picked.get("previous_threshold").asDouble()).isEqualTo(0.5);
        assertThat(JSON.readTree(run.out).at("/metrics/threshold").asDouble()).isEqualTo(threshold);
        assertThat(ModelBundle.read(bundle).manifest().threshold()).isEqualTo(threshold);

        // the serving side reads the new threshold, and no validation ham reaches it
        List<LabelledText> rows = DatasetCsv.read(validation);
        try (SpamClassifier classifier = SpamClassifier.open(bundle)) {
            assertThat((double) classifier.threshold()).isEqualTo(threshold);
            float[] p =
                    classifier.spamProbabilities(rows.stream().map(LabelledText::text).toList());
            float highestHam = 0;
            for (int i = 0; i < p.length; i++) {
                if (rows.get(i).label() == 0) {
                    highestHam = Math.max(highestHam, p[i]);
                }
            }
            assertThat(highestHam).isLessThan((float) threshold);
            assertThat((float) threshold)
                    .isLessThanOrEqualTo(highestHam + 2 * ThresholdSelector.NOISE_MARGIN);
        }
        assertThat(ModelBundle.read(trained.bundle).manifest().threshold()).isEqualTo(0.5);
    }

    @Test
    void evaluateShouldExplainWhatIsMissing() throws IOException {
        String model = trained.bundle.toString();
        CliRun nothing = CliRun.of("evaluate", "--model", model);
        assertThat(nothing.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(nothing.err).contains("--data CSV");

        CliRun noValidation =
                CliRun.of("evaluate", "--model", model, "--threshold-for-fpr", "0.005");
        assertThat(noValidation.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(noValidation.err).contains("needs --validation");

        CliRun missingCsv =
                CliRun.of(
                        "evaluate", "--model", model, "--data", dir.resolve("none.csv").toString());
        assertThat(missingCsv.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missingCsv.err).contains("none.csv does not exist");

        Path broken = trained.copy(dir.resolve("broken"));
        try (RandomAccessFile f =
                new RandomAccessFile(broken.resolve("model.safetensors").toFile(), "rw")) {
            f.seek(f.length() - 5);
            f.write(0x42);
        }
        CliRun corrupt =
                CliRun.of(
                        "evaluate",
                        "--model",
                        broken.toString(),
                        "--data",
                        trained.data.resolve("test.csv").toString());
        assertThat(corrupt.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(corrupt.err).contains("model.safetensors", "corrupt");
    }
}
