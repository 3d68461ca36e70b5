package dev.spamgpt.streams.testing;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.List;

/**
 * Passes every call to a real scorer; tests override the one call they want to change. Closing it
 * leaves the delegate open: the delegate belongs to whoever made it.
 */
public class ForwardingScorer implements SpamScorer {

    private final SpamScorer delegate;

    /**
     * @param delegate the scorer that does the work
     */
    public ForwardingScorer(SpamScorer delegate) {
        this.delegate = delegate;
    }

    @Override
    public float[] spamProbabilities(List<String> texts) {
        return delegate.spamProbabilities(texts);
    }

    @Override
    public float threshold() {
        return delegate.threshold();
    }

    @Override
    public boolean isSpam(double probability) {
        return delegate.isSpam(probability);
    }

    @Override
    public int maxTokens() {
        return delegate.maxTokens();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public void close() {}
}
