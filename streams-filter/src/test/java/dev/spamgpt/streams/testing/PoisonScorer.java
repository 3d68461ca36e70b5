package dev.spamgpt.streams.testing;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps a real scorer and fails every call that includes a text containing a marker, the way a
 * classifier fails on input it cannot handle. Records the size of every call it passes on.
 */
public final class PoisonScorer extends ForwardingScorer {

    private final String poison;
    private final List<Integer> callSizes = new ArrayList<>();

    /**
     * @param delegate the scorer that does the work
     * @param poison texts containing this make the call fail
     */
    public PoisonScorer(SpamScorer delegate, String poison) {
        super(delegate);
        this.poison = poison;
    }

    @Override
    public synchronized float[] spamProbabilities(List<String> texts) {
        for (String text : texts) {
            if (text.contains(poison)) {
                throw new IllegalArgumentException("cannot score a text containing " + poison);
            }
        }
        callSizes.add(texts.size());
        return super.spamProbabilities(texts);
    }

    /** Returns the sizes of the calls that reached the delegate, in order. */
    public synchronized List<Integer> callSizes() {
        return new ArrayList<>(callSizes);
    }
}
