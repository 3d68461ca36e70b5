package dev.spamgpt.trainer.eval;

import java.util.Arrays;

/**
 * Picks the decision threshold for a mail server, where blocking ham costs more than letting
 * spam through: the lowest threshold (so the most spam caught) whose false-positive rate on a
 * labelled set stays at or below a target.
 */
public final class ThresholdSelector {

    private ThresholdSelector() {}

    /**
     * Finds the threshold.
     *
     * <p>With k = floor(target x ham) ham allowed above the threshold, the answer is the smallest
     * float above the (k+1)-th highest ham score: every ham scoring at most that stays ham, since
     * spam means a probability at or above the threshold. When k covers all ham, it is 0.
     *
     * @param labels 0 = ham, 1 = spam
     * @param spamProbabilities the scores
     * @param maxFalsePositiveRate the target, in [0, 1)
     * @return the chosen threshold and what it gives on this set
     * @throws IllegalArgumentException without ham, or for a target outside [0, 1)
     */
    public static Choice lowestWithFalsePositiveRate(int[] labels, float[] spamProbabilities,
            double maxFalsePositiveRate) {
        if (!(maxFalsePositiveRate >= 0 && maxFalsePositiveRate < 1)) {
            throw new IllegalArgumentException("the false-positive rate target must be in [0, 1), got "
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
            throw new IllegalArgumentException("the set has no ham, so no false-positive rate can be measured");
        }
        ham = Arrays.copyOf(ham, nHam);
        Arrays.sort(ham); // ascending: the (k+1)-th highest is ham[nHam - 1 - k]
        int allowed = (int) Math.floor(maxFalsePositiveRate * nHam + 1e-9);
        float threshold = allowed >= nHam ? 0f : Math.nextUp(ham[nHam - 1 - allowed]);
        BinaryMetrics at = BinaryMetrics.of(labels, spamProbabilities, null, threshold);
        return new Choice(threshold, at.falsePositiveRate(), at.recall(), allowed, nHam);
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
    public record Choice(float threshold, double falsePositiveRate, double recall, int allowedFalsePositives,
            int ham) {
    }
}
