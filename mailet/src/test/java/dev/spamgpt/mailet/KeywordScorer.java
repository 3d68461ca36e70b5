package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamScorer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the model in unit tests: 0.97 when the text holds {@link #SPAM_WORD}, else 0.03.
 * It records every text it was given (so tests see exactly what the mailet extracted), how many
 * calls ran at once, and can be told to fail (with an exception or an {@link Error}) or to block.
 */
final class KeywordScorer implements SpamScorer {

    static final String SPAM_WORD = "WINNER";
    static final float SPAM_SCORE = 0.97f;
    static final float HAM_SCORE = 0.03f;

    final List<String> texts = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    volatile RuntimeException failure;
    volatile Error error;
    volatile String failOnText;
    volatile CountDownLatch gate;
    volatile long delayMillis;
    volatile boolean closed;

    /**
     * Opens this scorer the way the real factory opens a bundle: with the options' threshold and
     * max tokens.
     */
    ScorerFactory factory() {
        return (bundle, options) -> new Opened(options);
    }

    @Override
    public float[] spamProbabilities(List<String> batch) {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try {
            texts.addAll(batch);
            batchSizes.add(batch.size());
            if (gate != null) {
                gate.await(30, TimeUnit.SECONDS);
            }
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (failure != null) {
                throw failure;
            }
            if (error != null) {
                throw error;
            }
            float[] p = new float[batch.size()];
            for (int i = 0; i < p.length; i++) {
                if (failOnText != null && batch.get(i).contains(failOnText)) {
                    throw new IllegalStateException("cannot score " + failOnText);
                }
                p[i] = batch.get(i).contains(SPAM_WORD) ? SPAM_SCORE : HAM_SCORE;
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            active.decrementAndGet();
        }
    }

    String lastText() {
        synchronized (texts) {
            return texts.get(texts.size() - 1);
        }
    }

    @Override
    public float threshold() {
        return 0.5f;
    }

    @Override
    public int maxTokens() {
        return 0;
    }

    @Override
    public String modelId() {
        return "keyword-test";
    }

    @Override
    public void close() {
        closed = true;
    }

    /** This scorer as one mailet or matcher opened it; each may override the threshold. */
    private final class Opened implements SpamScorer {
        private final ClassifierOptions options;

        Opened(ClassifierOptions options) {
            this.options = options;
        }

        @Override
        public float[] spamProbabilities(List<String> batch) {
            return KeywordScorer.this.spamProbabilities(batch);
        }

        @Override
        public float threshold() {
            return options.threshold() != null
                    ? options.threshold()
                    : KeywordScorer.this.threshold();
        }

        @Override
        public int maxTokens() {
            return options.maxTokens();
        }

        @Override
        public String modelId() {
            return KeywordScorer.this.modelId();
        }

        @Override
        public void close() {
            KeywordScorer.this.close();
        }
    }
}
