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
