package dev.spamgpt.trainer.eval;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How well spam probabilities separate spam (label 1, the positive class) from ham (label 0) at a
 * threshold: a probability at or above it counts as spam.
 *
 * @param examples how many examples
 * @param loss mean cross-entropy, NaN when losses were not given
 * @param accuracy fraction classified correctly
 * @param precision spam flagged that is spam; 0 when nothing is flagged
 * @param recall spam that is flagged; 0 when there is no spam
 * @param f1 harmonic mean of precision and recall; 0 when both are 0
 * @param rocAuc area under the ROC curve (ties count half); NaN with only one class
 * @param falsePositiveRate ham flagged as spam, the cost a mail server cares most about
 * @param tn ham kept
 * @param fp ham flagged as spam
 * @param fn spam missed
 * @param tp spam flagged
 * @param threshold the decision threshold used
 */
public record BinaryMetrics(
        int examples,
        double loss,
        double accuracy,
        double precision,
        double recall,
        double f1,
        double rocAuc,
        double falsePositiveRate,
        long tn,
        long fp,
        long fn,
        long tp,
        double threshold) {

    /**
     * Computes the metrics.
     *
     * @param labels 0 = ham, 1 = spam
     * @param spamProbabilities the score of each example
     * @param losses the cross-entropy of each example, or null
     * @param threshold the decision threshold
     * @return the metrics
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public static BinaryMetrics of(
            int[] labels, float[] spamProbabilities, float[] losses, double threshold) {
        int n = labels.length;
        if (n == 0 || spamProbabilities.length != n || losses != null && losses.length != n) {
            throw new IllegalArgumentException(
                    "need one probability (and loss) per label, and at least one label");
        }
        long tn = 0;
        long fp = 0;
        long fn = 0;
        long tp = 0;
        double lossSum = 0;
        for (int i = 0; i < n; i++) {
            // The serving rule, so that measured figures describe what serving will do.
            boolean flagged = SpamScorer.isSpam(spamProbabilities[i], threshold);
            if (labels[i] == 1) {
                if (flagged) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (flagged) {
                fp++;
            } else {
                tn++;
            }
            if (losses != null) {
                lossSum += losses[i];
            }
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        double fpr = tn + fp == 0 ? 0 : (double) fp / (tn + fp);
        return new BinaryMetrics(
                n,
                losses == null ? Double.NaN : lossSum / n,
                (double) (tp + tn) / n,
                precision,
                recall,
                f1,
                rocAuc(labels, spamProbabilities),
                fpr,
                tn,
                fp,
                fn,
                tp,
                threshold);
    }

    /**
     * The probability that a random spam scores above a random ham (the Mann-Whitney U statistic
     * over both counts), equal scores counting half.
     *
     * @param labels 0 = ham, 1 = spam
     * @param scores the scores
     * @return the area under the ROC curve, NaN when a class is missing
     */
    public static double rocAuc(int[] labels, float[] scores) {
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        long positives = 0;
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1; // ranks of a tie group share their mean
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    positives++;
                    rankSum += averageRank;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /**
     * The metrics as JSON-ready values, NaN as null.
     *
     * @return an ordered map
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", examples);
        m.put("loss", finite(loss));
        m.put("accuracy", accuracy);
        m.put("precision", precision);
        m.put("recall", recall);
        m.put("f1", f1);
        m.put("roc_auc", finite(rocAuc));
        m.put("false_positive_rate", falsePositiveRate);
        m.put("threshold", threshold);
        Map<String, Long> confusion = new LinkedHashMap<>();
        confusion.put("tn", tn);
        confusion.put("fp", fp);
        confusion.put("fn", fn);
        confusion.put("tp", tp);
        m.put("confusion_matrix", confusion);
        return m;
    }

    /**
     * A few lines for the console.
     *
     * @param name the split, e.g. {@code test}
     * @return the report
     */
    public String describe(String name) {
        return String.format(
                Locale.ROOT,
                "%s: accuracy %.2f%%, loss %.3f, precision %.3f, recall %.3f, F1 %.3f, ROC AUC %.4f"
                        + " (%d examples, threshold %.4f)%n  confusion: ham kept %d, ham flagged %d"
                        + " (FPR %.2f%%), spam missed %d, spam flagged %d",
                name,
                accuracy * 100,
                loss,
                precision,
                recall,
                f1,
                rocAuc,
                examples,
                threshold,
                tn,
                fp,
                falsePositiveRate * 100,
                fn,
                tp);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
