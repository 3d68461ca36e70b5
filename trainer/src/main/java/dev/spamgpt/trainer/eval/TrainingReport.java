package dev.spamgpt.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.util.TempFiles;
import dev.spamgpt.trainer.baseline.BaselineReport;
import dev.spamgpt.trainer.train.TrainingHistory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@code train} run reports at its end: the scores of each split, the evaluation history and
 * the timings, as {@code metrics.json}, as the manifest's summary and as the lines printed on the
 * training log.
 *
 * @param scores the metrics of {@code train}, {@code validation} and {@code test}, in that order
 * @param history the evaluations and epochs of the fit
 * @param trainSeconds wall time of the fit
 * @param cacheSeconds of which filling the frozen-layer cache
 * @param cpuSeconds CPU time of the process since the run started
 * @param device where the model ran
 * @param baseline the lexical baseline on the same splits, or null
 */
public record TrainingReport(
        Map<String, BinaryMetrics> scores,
        TrainingHistory history,
        double trainSeconds,
        double cacheSeconds,
        double cpuSeconds,
        String device,
        BaselineReport baseline) {

    /**
     * A report without a baseline.
     *
     * @param scores the metrics of {@code train}, {@code validation} and {@code test}
     * @param history the evaluations and epochs of the fit
     * @param trainSeconds wall time of the fit
     * @param cacheSeconds of which filling the frozen-layer cache
     * @param cpuSeconds CPU time of the process since the run started
     * @param device where the model ran
     */
    public TrainingReport(
            Map<String, BinaryMetrics> scores,
            TrainingHistory history,
            double trainSeconds,
            double cacheSeconds,
            double cpuSeconds,
            String device) {
        this(scores, history, trainSeconds, cacheSeconds, cpuSeconds, device, null);
    }

    /**
     * The same report with a baseline beside the model.
     *
     * @param b the baseline's figures
     * @return a new report
     */
    public TrainingReport withBaseline(BaselineReport b) {
        return new TrainingReport(
                scores, history, trainSeconds, cacheSeconds, cpuSeconds, device, b);
    }

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Prints the accuracies of the three splits and the test split's details.
     *
     * @param log the training log
     */
    public void print(PrintStream log) {
        log.printf(
                Locale.ROOT,
                "Training accuracy: %.2f%%%nValidation accuracy: %.2f%%%nTest accuracy: %.2f%%%n",
                scores.get("train").accuracy() * 100,
                scores.get("validation").accuracy() * 100,
                scores.get("test").accuracy() * 100);
        log.println(scores.get("test").describe("test"));
        if (baseline != null) {
            log.print(baseline.table(scores));
        }
    }

    /**
     * Returns the content of {@code metrics.json}: the headline numbers, then each split's metrics,
     * then the history. A value that is not finite is null (JSON has no NaN).
     *
     * @return an insertion-ordered map
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String split : scores.keySet()) {
            m.put(split + "_accuracy", finite(scores.get(split).accuracy()));
        }
        for (String split : scores.keySet()) {
            m.put(split + "_loss", finite(scores.get(split).loss()));
        }
        BinaryMetrics test = scores.get("test");
        m.put("test_precision", test.precision());
        m.put("test_recall", test.recall());
        m.put("test_f1", test.f1());
        m.put("test_roc_auc", finite(test.rocAuc()));
        m.put("threshold", test.threshold());
        m.put("train_seconds", trainSeconds);
        m.put("cache_seconds", cacheSeconds);
        m.put("cpu_seconds", cpuSeconds);
        m.put("device", device);
        m.put("steps", history.steps());
        m.put("examples_seen", history.examplesSeen());
        Map<String, Object> splits = new LinkedHashMap<>();
        scores.forEach((name, s) -> splits.put(name, s.toMap()));
        m.put("splits", splits);
        if (baseline != null) {
            m.put("baseline", baseline.toMap());
        }
        m.put("history", historyJson());
        return m;
    }

    /**
     * Returns the metrics without the history, for the bundle manifest.
     *
     * @return {@link #toJson()} without {@code history}
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = toJson();
        m.remove("history");
        return m;
    }

    /**
     * Writes {@link #toJson()} to a file, replacing it in one step.
     *
     * @param file usually {@code metrics.json} in the output folder
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Path tmp = TempFiles.sibling(file);
        try {
            JSON.writeValue(tmp.toFile(), toJson());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Map<String, Object> historyJson() {
        List<Map<String, Object>> evals = new ArrayList<>();
        for (TrainingHistory.EvalPoint p : history.evaluations()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", p.epoch());
            e.put("step", p.step());
            e.put("examples_seen", p.examplesSeen());
            e.put("train_loss", finite(p.trainLoss()));
            e.put("validation_loss", finite(p.validationLoss()));
            e.put("train_accuracy", finite(p.trainAccuracy()));
            e.put("validation_accuracy", finite(p.validationAccuracy()));
            evals.add(e);
        }
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (TrainingHistory.EpochPoint p : history.epochs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", p.epoch());
            e.put("examples_seen", p.examplesSeen());
            e.put("train_accuracy", finite(p.trainAccuracy()));
            e.put("validation_accuracy", finite(p.validationAccuracy()));
            epochs.add(e);
        }
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("evaluations", evals);
        h.put("epochs", epochs);
        return h;
    }

    /** JSON has no NaN: a diverged run writes null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
