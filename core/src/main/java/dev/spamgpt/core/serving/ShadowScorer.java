package dev.spamgpt.core.serving;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.util.Failures;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores live traffic with a second model on the side, for evidence only: routing never reads its
 * scores. It runs on one thread with a short queue, and it may spend at most {@code maxShare} of
 * the time the live model spends: a batch offered while the shadow is over that budget, or while
 * its queue is full, is skipped and counted. On a machine whose cores the live model keeps busy,
 * that bounds how much the shadow slows the live path down.
 */
public final class ShadowScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowScorer.class);

    /** Why a batch was not shadow-scored. */
    public enum Skip {
        /** The shadow has used its share of the live model's time. */
        BUDGET,
        /** Its queue is full. */
        QUEUE,
        /** The shadow model failed on the batch. */
        ERROR
    }

    /** What the shadow saw; runs on the shadow thread. */
    public interface Listener {
        /**
         * One batch scored by both models.
         *
         * @param live the live scores
         * @param liveThreshold the live model's threshold
         * @param shadow the shadow scores, in the same order
         * @param shadowThreshold the shadow model's threshold
         * @param shadowNanos the shadow's time for the batch
         */
        void compared(
                float[] live,
                float liveThreshold,
                float[] shadow,
                float shadowThreshold,
                long shadowNanos);

        /**
         * Texts the shadow did not score.
         *
         * @param texts how many
         * @param why why
         */
        void skipped(int texts, Skip why);
    }

    private final SpamScorer shadow;
    private final double maxShare;
    private final Listener listener;
    private final ThreadPoolExecutor thread;
    private final Object budget = new Object();
    private long liveNanos; // guarded by budget
    private long shadowNanos; // guarded by budget: charged at admission, corrected at the end

    /**
     * @param shadow the shadow model; this object owns it
     * @param maxShare the most shadow time per unit of live time, in (0, 10]
     * @param maxQueued batches that may wait for the shadow thread
     * @param listener meters; see {@link ShadowMetrics}
     * @param contextLoader the shadow thread's context class loader (DJL finds its engine there)
     */
    public ShadowScorer(
            SpamScorer shadow,
            double maxShare,
            int maxQueued,
            Listener listener,
            ClassLoader contextLoader) {
        if (!(maxShare > 0 && maxShare <= 10)) {
            throw new IllegalArgumentException(
                    "the shadow share must be in (0, 10], got " + maxShare);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("the shadow queue must hold at least one batch");
        }
        this.shadow = shadow;
        this.maxShare = maxShare;
        this.listener = listener;
        this.thread =
                new ThreadPoolExecutor(
                        1,
                        1,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(maxQueued),
                        r -> {
                            Thread t = new Thread(r, "spamgpt-shadow");
                            t.setDaemon(true);
                            t.setContextClassLoader(contextLoader);
                            return t;
                        },
                        new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * @return the shadow model
     */
    public SpamScorer model() {
        return shadow;
    }

    /**
     * @return the share of live time the shadow may use
     */
    public double maxShare() {
        return maxShare;
    }

    /**
     * Offers a batch the live model has just scored.
     *
     * @param texts the texts, as the live model read them
     * @param live their live scores
     * @param liveThreshold the live model's threshold
     * @param liveCallNanos how long the live call took
     * @return the shadow's scores when it has them, or null when the batch is skipped
     */
    public CompletableFuture<float[]> offer(
            List<String> texts, float[] live, float liveThreshold, long liveCallNanos) {
        synchronized (budget) {
            liveNanos += liveCallNanos;
            // A batch is let in only once the live time so far pays for it, with the live call's
            // time as the estimate of its cost: the shadow never runs ahead of its share, not
            // even at the start, and a burst of offers cannot all pass before the first has run.
            if (shadowNanos + liveCallNanos > maxShare * liveNanos) {
                listener.skipped(texts.size(), Skip.BUDGET);
                return null;
            }
            shadowNanos += liveCallNanos;
        }
        CompletableFuture<float[]> result = new CompletableFuture<>();
        try {
            thread.execute(() -> run(texts, live, liveThreshold, liveCallNanos, result));
        } catch (RejectedExecutionException e) {
            synchronized (budget) {
                shadowNanos -= liveCallNanos;
            }
            listener.skipped(texts.size(), Skip.QUEUE);
            return null;
        }
        return result;
    }

    private void run(
            List<String> texts,
            float[] live,
            float liveThreshold,
            long estimate,
            CompletableFuture<float[]> result) {
        long start = System.nanoTime();
        try {
            float[] scores = shadow.spamProbabilities(texts);
            long took = System.nanoTime() - start;
            charge(took - estimate);
            listener.compared(live, liveThreshold, scores, shadow.threshold(), took);
            result.complete(scores);
        } catch (RuntimeException | Error e) {
            charge(System.nanoTime() - start - estimate);
            Failures.requireNonFatal(e);
            LOG.warn("Shadow model {} failed on a batch of {}", shadow.modelId(), texts.size(), e);
            listener.skipped(texts.size(), Skip.ERROR);
            result.completeExceptionally(e);
        }
    }

    private void charge(long nanos) {
        synchronized (budget) {
            shadowNanos += nanos;
        }
    }

    /** Stops the shadow thread (a batch in progress is waited for) and frees the shadow model. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("The shadow model did not finish its batch within 30 s; not freed");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        shadow.close();
    }
}
