package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.core.util.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of inference threads in front of one shared model, which may be swapped while they
 * run: each batch is scored under one lease of the {@link LiveModel}, and every text of it carries
 * that model's threshold and id. James calls mailets from many spooler threads; they hand their
 * text to this pool and wait, so at most {@code threads} forward passes run at once, and at most
 * {@code queueCapacity} texts wait: memory stays flat however busy James gets. A worker takes every
 * text that waits (up to {@code maxBatchSize}) and scores them in one call, which is where batching
 * pays off under load.
 */
final class InferencePool implements AutoCloseable {

    /** The {@link ScoringException#kind()} of a model that failed on one text. */
    static final String MODEL = "model";

    private static final Logger LOGGER = LoggerFactory.getLogger(InferencePool.class);
    private static final long POLL_MILLIS = 200;

    /** Scoring failed or took too long; the message says why. */
    static final class ScoringException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String kind;

        ScoringException(String kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        /** {@code timeout}, {@link #MODEL} or {@code shutdown}: the metrics' reason tag. */
        String kind() {
            return kind;
        }
    }

    /**
     * What a text still queued when the pool closes fails with: the pool's state, not the text's.
     */
    private static final class ShutDown extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ShutDown() {
            super("the inference pool is shut down");
        }
    }

    private static final class Pending {
        final String text;
        final CompletableFuture<Score> result = new CompletableFuture<>();

        Pending(String text) {
            this.text = text;
        }
    }

    /** One text's score, with the model that gave it and, if it is being scored, the shadow's. */
    static final class Score {
        final float value;
        final float threshold;
        final String modelId;
        final long batchNanos;
        private final CompletableFuture<float[]> shadow;
        private final int index;

        Score(
                float value,
                SpamScorer model,
                long batchNanos,
                CompletableFuture<float[]> shadow,
                int index) {
            this.value = value;
            this.threshold = model.threshold();
            this.modelId = model.modelId();
            this.batchNanos = batchNanos;
            this.shadow = shadow;
            this.index = index;
        }

        /**
         * Waits for the shadow's score of this text.
         *
         * @param maxNanos the most time to wait
         * @return the shadow's score, or NaN when there is none in time
         */
        float shadowScore(long maxNanos) {
            if (shadow == null) {
                return Float.NaN;
            }
            try {
                return shadow.get(maxNanos, TimeUnit.NANOSECONDS)[index];
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Float.NaN;
            } catch (ExecutionException | TimeoutException e) {
                return Float.NaN;
            }
        }
    }

    private final LiveModel model;
    private final ShadowScorer shadow;
    private final ScoringMetrics metrics;
    private final int maxBatchSize;
    private final BlockingQueue<Pending> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * Starts the worker threads.
     *
     * @param model the shared, thread-safe model, which may be swapped
     * @param shadow a model that scores every batch too, for evidence only; or null
     * @param threads how many forward passes may run at once
     * @param queueCapacity how many texts may wait for a worker
     * @param maxBatchSize the most texts one worker scores in one call
     * @param contextLoader the context class loader of the workers (the mailet's, so that DJL finds
     *     its engine when James loaded the mailet through a child class loader)
     * @param metrics where batch sizes and inference times go
     */
    InferencePool(
            LiveModel model,
            ShadowScorer shadow,
            int threads,
            int queueCapacity,
            int maxBatchSize,
            ClassLoader contextLoader,
            ScoringMetrics metrics) {
        this.model = model;
        this.shadow = shadow;
        this.metrics = metrics;
        this.maxBatchSize = maxBatchSize;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, "spamgpt-inference-" + (i + 1));
            worker.setDaemon(true);
            worker.setContextClassLoader(contextLoader);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Scores one text, waiting first for room in the queue and then for the result.
     *
     * @param text the text
     * @param timeoutMillis the most time to wait in all
     * @return the spam probability, with the model that gave it
     * @throws ScoringException when the pool is closed, the wait times out, or the model fails
     *     (whatever it threw, a StackOverflowError included)
     * @throws InterruptedException when the calling thread is interrupted
     * @throws VirtualMachineError a fatal one (not a StackOverflowError) that the model threw, as
     *     is: the caller's thread rethrows it, the inference thread stays up
     */
    Score score(String text, long timeoutMillis) throws ScoringException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Pending pending = new Pending(text);
        if (closed) {
            throw new ScoringException("shutdown", "the inference pool is shut down", null);
        }
        if (!queue.offer(pending, timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new ScoringException(
                    "timeout", "no inference thread free within " + timeoutMillis + " ms", null);
        }
        try {
            return pending.result.get(
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // A worker that picks it up later skips it.
            pending.result.cancel(false);
            throw new ScoringException(
                    "timeout", "scoring took longer than " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Failures.requireNonFatal(cause);
            if (cause instanceof ShutDown) {
                throw new ScoringException("shutdown", cause.getMessage(), cause);
            }
            throw new ScoringException(MODEL, "the model failed: " + cause, cause);
        }
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(maxBatchSize);
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatchSize - 1);
                batch.removeIf(p -> p.result.isDone());
                if (!batch.isEmpty()) {
                    scoreBatch(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // Keep the worker alive; the callers of this batch already got the failure.
                LOGGER.error("SpamGPT inference worker caught an unexpected failure", e);
            } finally {
                for (Pending p : batch) {
                    p.result.completeExceptionally(
                            new IllegalStateException("scoring was abandoned"));
                }
                batch.clear();
            }
        }
    }

    private void scoreBatch(List<Pending> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            texts.add(p.text);
        }
        long start = System.nanoTime();
        try (LiveModel.Lease lease = model.acquire()) {
            SpamScorer scorer = lease.scorer();
            float[] p = scorer.spamProbabilities(texts);
            long took = System.nanoTime() - start;
            metrics.batch(scorer.modelId(), batch.size(), took);
            CompletableFuture<float[]> shadowScores =
                    shadow == null
                            ? null
                            : shadow.offer(texts, p.clone(), scorer.threshold(), took);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result.complete(new Score(p[i], scorer, took, shadowScores, i));
            }
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1 || Failures.isFatal(e)) {
                // A fatal error goes to every waiting caller, which rethrows it; no retries.
                for (Pending p : batch) {
                    p.result.completeExceptionally(e);
                }
                return;
            }
            // One bad text must not fail the mails that shared its batch: retry them one by one.
            for (Pending p : batch) {
                scoreBatch(new ArrayList<>(List.of(p)));
            }
        }
    }

    /**
     * Stops taking texts, lets the queued ones finish (up to a few seconds) and stops the threads.
     */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(new ShutDown());
        }
    }
}
