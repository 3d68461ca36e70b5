package dev.spamgpt.core.inference;

import java.util.List;

/**
 * Scores texts as spam. Implementations are thread-safe: the Kafka Streams filter and the James
 * mailet call one shared instance from many threads.
 */
public interface SpamScorer extends AutoCloseable {

    /**
     * Returns the spam probability, in [0, 1], of each text, in the order given. The texts are
     * scored together, so a caller that has several texts should pass them in one call.
     *
     * @param texts the texts; an empty text is allowed and is scored on the end-of-text token
     * @return one probability per text
     */
    float[] spamProbabilities(List<String> texts);

    /**
     * Returns each text's spam log-odds, {@code ln(p / (1 - p))}. This default derives them from
     * the probabilities, so a probability that rounded to 0 or 1 gives about ±16; a model that has
     * its logits overrides it with the exact values.
     *
     * @param texts the texts
     * @return one log-odds value per text
     */
    default float[] spamLogOdds(List<String> texts) {
        float[] p = spamProbabilities(texts);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
            out[i] = (float) Math.log(q / (1 - q));
        }
        return out;
    }

    /**
     * Returns the spam probability of one text.
     *
     * @param text the text
     * @return the probability, in [0, 1]
     */
    default float spamProbability(String text) {
        return spamProbabilities(List.of(text))[0];
    }

    /**
     * Returns the decision threshold: a probability at or above it means spam.
     *
     * @return the threshold, in [0, 1]
     */
    float threshold();

    /**
     * Returns whether a probability from this scorer means spam, by {@link #isSpam(double, double)}
     * at {@link #threshold()}.
     *
     * @param probability a spam probability, in [0, 1]
     * @return true for spam
     */
    default boolean isSpam(double probability) {
        return isSpam(probability, threshold());
    }

    /**
     * The decision rule every caller shares: a probability at or above the threshold is spam. For
     * callers that hold a score and a threshold but no scorer, such as a matcher that reads the
     * score another mailet wrote.
     *
     * @param probability a spam probability, in [0, 1]
     * @param threshold the decision threshold, in [0, 1]
     * @return true for spam
     */
    static boolean isSpam(double probability, double threshold) {
        return probability >= threshold;
    }

    /**
     * Returns how many tokens of one text the model reads: a longer text is cut and only its start
     * is scored. Callers use it to stop reading a text where the model stops anyway.
     *
     * @return tokens per text, or 0 when this scorer reads every text whole
     */
    int maxTokens();

    /**
     * Returns a short identifier of the model, such as {@code spamgpt-sms:20261126T140000Z}, for
     * headers and metrics.
     *
     * @return the model identifier
     */
    String modelId();

    /** Releases the native memory held by the model. */
    @Override
    void close();
}
