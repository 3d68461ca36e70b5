package dev.spamgpt.core.serving;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.util.Failures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a {@link ModelSource} and puts what appears there in service. A change is noticed by a
 * poll every interval or by {@link #reload()}; the new bundle is then loaded on this object's own
 * thread (its checksums verified by the loader), warmed up, and only then swapped into the {@link
 * LiveModel}, so no text is ever scored by a half-loaded model. A bundle that fails to load, verify
 * or warm up leaves the old model serving; the failure is logged and reported once per distinct
 * fingerprint, so a broken bundle is not retried every poll, while a bundle still being copied is
 * retried as its files change.
 */
public final class ModelReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

    /**
     * Texts every new model scores before it serves: the first call of a model allocates its
     * buffers and, for a long text, its widest attention, which live traffic should not wait for.
     */
    private static final List<String> WARM_UP =
            List.of(
                    "Warm-up text: your parcel is waiting, confirm the delivery address today.",
                    "word ".repeat(2048));

    /** Opens, and verifies, a bundle. */
    public interface Loader {
        /**
         * @param bundle the bundle folder
         * @return the model, ready to score
         * @throws RuntimeException naming what is wrong with the bundle
         */
        SpamScorer load(Path bundle);
    }

    /** What the reloader did, for meters and logs; both methods run on the reload thread. */
    public interface Listener {
        /**
         * A new model serves.
         *
         * @param previous the model it replaced (do not use it)
         * @param now the new model
         * @param loadNanos load, verify and warm-up time
         */
        default void swapped(SpamScorer previous, SpamScorer now, long loadNanos) {}

        /**
         * A bundle was not put in service; the old model goes on serving.
         *
         * @param ref what the source named
         * @param error why
         */
        default void failed(String ref, Throwable error) {}
    }

    /** What one check found. */
    public enum Result {
        /** A new model serves. */
        SWAPPED,
        /** The source names the model in service. */
        UNCHANGED,
        /** The source names a bundle that could not be put in service. */
        FAILED
    }

    /** The result of one check, with a line for a person. */
    public static final class Outcome {
        private final Result result;
        private final String modelId;
        private final String message;

        /**
         * @param result what happened
         * @param modelId the model serving after it
         * @param message one line for a person
         */
        public Outcome(Result result, String modelId, String message) {
            this.result = result;
            this.modelId = modelId;
            this.message = message;
        }

        /**
         * @return what happened
         */
        public Result result() {
            return result;
        }

        /**
         * @return the id of the model serving after the check
         */
        public String modelId() {
            return modelId;
        }

        /**
         * @return one line that says what happened
         */
        public String message() {
            return message;
        }
    }

    private final ModelSource source;
    private final LiveModel live;
    private final Loader loader;
    private final Listener listener;
    private final ScheduledExecutorService thread;
    private String servingFingerprint; // only touched on the reload thread
    private String failedFingerprint;

    /**
     * @param source where to look
     * @param servingFingerprint the fingerprint of the bundle that serves now
     * @param live the model to swap
     * @param loader opens a bundle (with the caller's options: device, threshold, token limit)
     * @param listener meters and logs; may be a no-op
     * @param contextLoader the reload thread's context class loader (DJL finds its engine through
     *     it)
     */
    public ModelReloader(
            ModelSource source,
            String servingFingerprint,
            LiveModel live,
            Loader loader,
            Listener listener,
            ClassLoader contextLoader) {
        this.source = source;
        this.servingFingerprint = servingFingerprint;
        this.live = live;
        this.loader = loader;
        this.listener = listener;
        this.thread =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "spamgpt-model-reload");
                            t.setDaemon(true);
                            t.setContextClassLoader(contextLoader);
                            return t;
                        });
    }

    /**
     * Checks the source every {@code interval}; a zero interval leaves only {@link #reload()}.
     *
     * @param interval the poll interval
     */
    public void start(Duration interval) {
        if (interval.isZero()) {
            return;
        }
        long ms = interval.toMillis();
        thread.scheduleWithFixedDelay(() -> check(false), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Checks the source now, on the reload thread, after any check already running. Unlike a poll,
     * it also tries again a bundle that failed before.
     *
     * @return what the check did
     */
    public CompletableFuture<Outcome> reload() {
        try {
            return CompletableFuture.supplyAsync(() -> check(true), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    new Outcome(Result.FAILED, live.current().modelId(), "shutting down"));
        }
    }

    private Outcome check(boolean retryFailed) {
        String ref = source.path().toString();
        String fingerprint = null;
        try {
            ModelSource.Target target = source.resolve();
            ref = target.ref();
            fingerprint = target.fingerprint();
            if (fingerprint.equals(servingFingerprint)) {
                return unchanged("serving " + live.current().modelId() + ", unchanged");
            }
            if (!retryFailed && fingerprint.equals(failedFingerprint)) {
                return new Outcome(
                        Result.FAILED,
                        live.current().modelId(),
                        ref
                                + " failed before and has not changed; serving "
                                + live.current().modelId());
            }
            long start = System.nanoTime();
            SpamScorer next = loader.load(target.folder());
            try {
                warmUp(next);
            } catch (RuntimeException | Error e) {
                next.close();
                throw e;
            }
            long took = System.nanoTime() - start;
            SpamScorer previous = live.swap(next);
            servingFingerprint = fingerprint;
            failedFingerprint = null;
            LOG.info(
                    "Model {} serves from {} (was {}); loaded, verified and warmed up in {} ms",
                    next.modelId(),
                    target.folder(),
                    previous.modelId(),
                    took / 1_000_000);
            try {
                listener.swapped(previous, next, took);
            } catch (RuntimeException e) {
                // The swap happened; a failing meter must not make it look as if it had not.
                LOG.warn("A listener failed after the swap to {}", next.modelId(), e);
            }
            return new Outcome(
                    Result.SWAPPED,
                    next.modelId(),
                    "swapped " + previous.modelId() + " for " + next.modelId());
        } catch (Throwable e) { // NOPMD: any failure of a candidate leaves the old model serving
            Failures.requireNonFatal(e);
            return failed(
                    ref, fingerprint == null ? "unresolved:" + e : fingerprint, retryFailed, e);
        }
    }

    private Outcome unchanged(String message) {
        return new Outcome(Result.UNCHANGED, live.current().modelId(), message);
    }

    private Outcome failed(String ref, String fingerprint, boolean retryFailed, Throwable e) {
        String current = live.current().modelId();
        // A poll reports a broken bundle once; an explicit reload reports every try.
        boolean seen = !retryFailed && fingerprint.equals(failedFingerprint);
        failedFingerprint = fingerprint;
        if (!seen) {
            LOG.warn(
                    "Model {} not put in service, {} goes on serving: {}",
                    ref,
                    current,
                    e.toString());
            listener.failed(ref, e);
        }
        return new Outcome(
                Result.FAILED,
                current,
                ref + " not put in service (" + e.getMessage() + "); serving " + current);
    }

    private static void warmUp(SpamScorer scorer) {
        float[] p = scorer.spamProbabilities(WARM_UP);
        if (p == null || p.length != WARM_UP.size()) {
            throw new IllegalStateException(
                    "the new model returned no score for its warm-up texts");
        }
        for (float v : p) {
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalStateException(
                        "the new model scored a warm-up text " + v + ", outside [0, 1]");
            }
        }
    }

    /** Stops watching; a load in progress is waited for a few seconds and then abandoned. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("A model load was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
