package dev.spamgpt.trainer.baseline;

import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The lexical baseline's figures on the splits a model was measured on, and the table that sets
 * them beside the model's.
 *
 * @param trainExamples texts the baseline was fitted on
 * @param vocabulary terms it learnt
 * @param fitSeconds wall time of the fit
 * @param scores its metrics per split, at the same threshold rule as the model's
 */
public record BaselineReport(
        int trainExamples, int vocabulary, double fitSeconds, Map<String, BinaryMetrics> scores) {

    /**
     * Fits the baseline on {@code train} and measures it on each named split.
     *
     * @param train the training texts
     * @param splits the splits to measure, e.g. validation and test
     * @param threshold the decision threshold (the model's rule)
     * @param progress takes the progress lines (standard error or the training log)
     * @return the report
     */
    public static BaselineReport fitAndMeasure(
            List<LabelledText> train,
            Map<String, List<LabelledText>> splits,
            double threshold,
            Consumer<String> progress) {
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "Baseline: fitting TF-IDF + logistic regression on %d texts...",
                        train.size()));
        LexicalBaseline baseline = LexicalBaseline.fit(train, LexicalBaseline.DEFAULT_SEED);
        Map<String, BinaryMetrics> scores = new LinkedHashMap<>();
        splits.forEach((name, rows) -> scores.put(name, baseline.measure(rows, threshold)));
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "Baseline: fitted in %.2f s (%d terms)",
                        baseline.fitSeconds(),
                        baseline.vocabularySize()));
        return new BaselineReport(
                train.size(), baseline.vocabularySize(), baseline.fitSeconds(), scores);
    }

    /**
     * The block written as {@code "baseline"} in metrics.json, the manifest and evaluate's JSON.
     *
     * @return an ordered map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", LexicalBaseline.METHOD);
        m.put("train_examples", trainExamples);
        m.put("vocabulary", vocabulary);
        m.put("fit_seconds", fitSeconds);
        Map<String, Object> splits = new LinkedHashMap<>();
        scores.forEach((name, s) -> splits.put(name, s.toMap()));
        m.put("splits", splits);
        return m;
    }

    /**
     * The model beside the baseline: accuracy, false-positive rate, recall and F1 per split.
     *
     * @param model the model's metrics by split; splits the baseline lacks are skipped
     * @return lines for the console
     */
    public String table(Map<String, BinaryMetrics> model) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(
                Locale.ROOT,
                "Model vs lexical baseline (%s, fitted in %.2f s):%n",
                LexicalBaseline.METHOD,
                fitSeconds);
        out.printf(
                Locale.ROOT,
                "  %-12s %-9s %9s %8s %8s %7s%n",
                "split",
                "",
                "accuracy",
                "FPR",
                "recall",
                "F1");
        scores.forEach(
                (name, b) -> {
                    BinaryMetrics m = model.get(name);
                    if (m != null) {
                        row(out, name, "model", m);
                        row(out, "", "baseline", b);
                    }
                });
        out.flush();
        return text.toString();
    }

    private static void row(PrintWriter out, String split, String who, BinaryMetrics m) {
        out.printf(
                Locale.ROOT,
                "  %-12s %-9s %8.2f%% %7.2f%% %7.2f%% %7.3f%n",
                split,
                who,
                m.accuracy() * 100,
                m.falsePositiveRate() * 100,
                m.recall() * 100,
                m.f1());
    }
}
