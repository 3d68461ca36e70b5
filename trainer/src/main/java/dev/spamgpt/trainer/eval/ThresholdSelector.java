package dev.spamgpt.trainer.eval;

import java.util.Arrays;

/**
 * Picks the decision threshold for a mail server, where blocking ham costs more than letting spam
 * through: the lowest threshold (so the most spam caught) whose false-positive rate on a labelled
 * set stays at or below a target.
 */
public final class ThresholdSelector {

    /**
     * How far above the last ham to keep the threshold. The same text scores differently by about
     * 1e-7 when it is batched with other texts (a ulp or so between evaluate and the serving
     * classifier), so a threshold one float above a ham would flag that ham in production.
     */
    public static final float NOISE_MARGIN = 1e-5f;

    private ThresholdSelector() {}

    /**
     * Finds the threshold.
     *
     * <p>With k = floor(target x ham) ham allowed above the threshold, every threshold above the
     * (k+1)-th highest ham score h meets the target. The answer is h + {@link #NOISE_MARGIN}, or
     * halfway to the next higher score of the set when that is closer, so that the set's decisions
     * are those of the lowest possible threshold. When k covers all ham, it is 0.
     *
     * @param labels 0 = ham, 1 = spam
     * @param spamProbabilities the scores
     * @param maxFalsePositiveRate the target, in [0, 1)
     * @return the chosen threshold and what it gives on this set
     * @throws IllegalArgumentException without ham, or for a target outside [0, 1)
     */
    public static Choice lowestWithFalsePositiveRate(
            int[] labels, float[] spamProbabilities, double maxFalsePositiveRate) {
        if (!(maxFalsePositiveRate >= 0 && maxFalsePositiveRate < 1)) {
            throw new IllegalArgumentException(
                    "the false-positive rate target must be in [0, 1), got "
                            + maxFalsePositiveRate);
        }
        float[] ham = new float[labels.length];
        int nHam = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                ham[nHam++] = spamProbabilities[i];
            }
        }
        if (nHam == 0) {
            throw new IllegalArgumentException(
                    "the set has no ham, so no false-positive rate can be measured");
        }
        ham = Arrays.copyOf(ham, nHam);
        Arrays.sort(ham); // ascending: the (k+1)-th highest is ham[nHam - 1 - k]
        int allowed = (int) Math.floor(maxFalsePositiveRate * nHam + 1e-9);
        float threshold =
                allowed >= nHam ? 0f : aboveWithMargin(ham[nHam - 1 - allowed], spamProbabilities);
        BinaryMetrics at = BinaryMetrics.of(labels, spamProbabilities, null, threshold);
        return new Choice(threshold, at.falsePositiveRate(), at.recall(), allowed, nHam);
    }

    /**
     * Just above {@code h}: by the noise margin, or halfway to the next higher score; at most 1
     * when h < 1.
     */
    private static float aboveWithMargin(float h, float[] scores) {
        float next = Float.POSITIVE_INFINITY;
        for (float p : scores) {
            if (p > h && p < next) {
                next = p;
            }
        }
        float t = h + NOISE_MARGIN;
        if (t >= next) {
            t = h + (next - h) / 2;
        }
        if (h < 1f) {
            t = Math.min(t, 1f);
        }
        return Math.max(t, Math.nextUp(h));
    }

    /**
     * A chosen threshold.
     *
     * @param threshold the lowest threshold meeting the target
     * @param falsePositiveRate ham flagged at that threshold on the set
     * @param recall spam flagged at that threshold on the set
     * @param allowedFalsePositives ham the target lets through to spam
     * @param ham ham in the set
     */
    public record Choice(
            float threshold,
            double falsePositiveRate,
            double recall,
            int allowedFalsePositives,
            int ham) {}
}
