package dev.spamgpt.mailet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.BundleManifest;
import dev.spamgpt.core.bundle.DataDomain;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.explain.Explanation;
import dev.spamgpt.core.explain.OcclusionExplainer;
import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ModelMetrics;
import dev.spamgpt.core.serving.ModelReloader;
import dev.spamgpt.core.serving.ModelSource;
import dev.spamgpt.core.serving.ShadowMetrics;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.core.util.Failures;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link SpamGptClassifier} mailet and the {@link IsSpamGpt} matcher share: the model,
 * loaded once per instance, its inference threads, the bounded text extraction and the metrics.
 * {@link #classify(Mail)} turns a mail into a {@link Verdict}. Whatever the mail makes go wrong
 * while it is read or scored, a {@link StackOverflowError} included, becomes its error verdict,
 * counted and logged once; only a failure of the scoring service itself (a timeout, a shut-down
 * pool) is thrown, and a fatal {@link VirtualMachineError} is rethrown (see {@link Failures}).
 */
final class SpamGptEngine implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(SpamGptEngine.class);
    // Text beyond what the model reads is wasted work; 16 characters per token is generous.
    private static final int CHARS_PER_TOKEN = 16;
    private static final int MIN_CHARS = 2048;
    private static final int MAX_CHARS = 20_000;

    /** Settings of an engine, with the defaults documented on {@link SpamGptClassifier}. */
    static final class Settings {
        static final int DEFAULT_MAX_BATCH_SIZE = 8;

        String model = "conf/spamgpt-bundle";
        // The classifier's own settings (threshold override, max tokens, texts per pass), checked
        // by ClassifierOptions; maxBatchSize is also the most texts a worker takes from the queue.
        ClassifierOptions classifier =
                ClassifierOptions.defaults().withMaxBatchSize(DEFAULT_MAX_BATCH_SIZE);
        long maxBytes = 256 * 1024;
        int threads = 2;
        int queueCapacity;
        long timeoutMillis = 60_000;
        Integer metricsPort;
        String metricsHost = "127.0.0.1";
        String instance = "SpamGPT";
        long reloadIntervalMillis = 10_000;
        String shadowModel;
        double shadowShare = 0.25;
        String shadowHeader;

        /** {@code none}, {@code spam} or {@code all}: which verdicts get an explanation. */
        String explain = "none";

        long explainTimeoutMillis = 1000;

        Path modelPath() {
            return path(model);
        }

        Path shadowModelPath() {
            return shadowModel == null ? null : path(shadowModel);
        }

        private static Path path(String text) {
            String path = text.startsWith("file://") ? text.substring("file://".length()) : text;
            return Paths.get(path).toAbsolutePath().normalize();
        }

        int effectiveQueueCapacity() {
            return queueCapacity > 0 ? queueCapacity : threads * classifier.maxBatchSize() * 2;
        }
    }

    /** The model timed out or was shut down; {@link #verdict()} is what the mail should carry. */
    static final class ScoringFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Verdict verdict;

        ScoringFailure(Verdict verdict, Throwable cause) {
            super(verdict.status(), cause);
            this.verdict = verdict;
        }

        Verdict verdict() {
            return verdict;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXPLAIN_SPANS = 32;
    private static final int EXPLAIN_TOP = 3;

    private final LiveModel live;
    private final ShadowScorer shadow;
    private final InferencePool pool;
    private final ScoringMetrics metrics;
    private final MetricsEndpoint endpoint;
    private final Settings settings;
    private ModelReloader reloader;
    private volatile MessageText.Limits limits;
    // One explanation at a time, none waiting: a busy explainer skips, it never queues up work.
    private final ThreadPoolExecutor explainer =
            new ThreadPoolExecutor(
                    1,
                    1,
                    0,
                    TimeUnit.MILLISECONDS,
                    new SynchronousQueue<>(),
                    r -> {
                        Thread t = new Thread(r, "spamgpt-explain");
                        t.setDaemon(true);
                        t.setContextClassLoader(SpamGptEngine.class.getClassLoader());
                        return t;
                    });

    private SpamGptEngine(
            LiveModel live,
            ShadowScorer shadow,
            InferencePool pool,
            ScoringMetrics metrics,
            MetricsEndpoint endpoint,
            Settings settings) {
        this.live = live;
        this.shadow = shadow;
        this.pool = pool;
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.settings = settings;
        this.limits = limits(settings.maxBytes, live.current().maxTokens());
    }

    /**
     * Loads the model and starts the inference threads and, if asked for, the metrics endpoint.
     *
     * @param settings the settings, already checked for range
     * @param factory opens the bundle
     * @return the running engine
     * @throws MessagingException with a clear message when the bundle cannot be loaded or the
     *     metrics port cannot be bound
     */
    static SpamGptEngine start(Settings settings, ScorerFactory factory) throws MessagingException {
        Path path = settings.modelPath();
        if (!Files.isDirectory(path)) {
            throw new MessagingException(
                    "SpamGPT model bundle folder "
                            + path
                            + " does not exist; set the 'model' parameter to the folder that"
                            + " 'spamgpt train' exported, or to a model repository");
        }
        long started = System.nanoTime();
        ModelSource source = ModelSource.of(path);
        ModelSource.Target target;
        SpamScorer scorer;
        try {
            target = source.resolve();
            scorer = factory.open(target.folder(), settings.classifier);
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new MessagingException(
                    "SpamGPT could not load the model bundle " + path + ": " + e.getMessage(),
                    e instanceof Exception ? (Exception) e : new RuntimeException(e));
        }
        SpamScorer shadowModel = null;
        MetricsEndpoint endpoint = null;
        try {
            if (settings.shadowModelPath() != null) {
                shadowModel = factory.open(settings.shadowModelPath(), settings.classifier);
            }
            if (settings.metricsPort != null) {
                endpoint = MetricsEndpoint.acquire(settings.metricsHost, settings.metricsPort);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            scorer.close();
            if (shadowModel != null) {
                shadowModel.close();
            }
            throw new MessagingException(
                    shadowModel == null && settings.shadowModelPath() != null
                            ? "SpamGPT could not load the shadow model bundle "
                                    + settings.shadowModelPath()
                                    + ": "
                                    + e.getMessage()
                            : "SpamGPT could not serve metrics on "
                                    + settings.metricsHost
                                    + ":"
                                    + settings.metricsPort
                                    + ": "
                                    + e,
                    e instanceof Exception ? (Exception) e : new RuntimeException(e));
        }
        Tags tags = Tags.of("instance", settings.instance);
        ScoringMetrics metrics =
                new ScoringMetrics(MetricsEndpoint.registry(), scorer.modelId(), settings.instance);
        metrics.serving(scorer.modelId(), domainOf(target.folder()));
        warnIfSms(scorer, domainOf(target.folder()));
        LiveModel live = new LiveModel(scorer);
        ShadowScorer shadow =
                shadowModel == null
                        ? null
                        : new ShadowScorer(
                                shadowModel,
                                settings.shadowShare,
                                2,
                                new ShadowMetrics(
                                        MetricsEndpoint.registry(), tags, shadowModel.modelId()),
                                SpamGptEngine.class.getClassLoader());
        InferencePool pool =
                new InferencePool(
                        live,
                        shadow,
                        settings.threads,
                        settings.effectiveQueueCapacity(),
                        settings.classifier.maxBatchSize(),
                        SpamGptEngine.class.getClassLoader(),
                        metrics);
        SpamGptEngine engine = new SpamGptEngine(live, shadow, pool, metrics, endpoint, settings);
        engine.watch(source, target.fingerprint(), factory, tags);
        LOGGER.info(
                "SpamGPT model {} loaded from {} in {} ms by {} (threshold {}, {} inference"
                        + " threads, metrics {}, {}{})",
                scorer.modelId(),
                target.folder(),
                (System.nanoTime() - started) / 1_000_000,
                SpamGptEngine.class.getClassLoader(),
                scorer.threshold(),
                settings.threads,
                endpoint == null ? "not served" : "on port " + endpoint.port() + " /metrics",
                settings.reloadIntervalMillis == 0
                        ? "no reload"
                        : "checking " + path + " every " + settings.reloadIntervalMillis + " ms",
                shadow == null ? "" : ", shadow " + shadowModel.modelId());
        return engine;
    }

    /** Follows the model source: a new bundle is loaded, verified, warmed up and swapped in. */
    private void watch(ModelSource source, String fingerprint, ScorerFactory factory, Tags tags) {
        ModelMetrics modelMetrics =
                new ModelMetrics(MetricsEndpoint.registry(), tags, live.current());
        reloader =
                new ModelReloader(
                        source,
                        fingerprint,
                        live,
                        bundle -> factory.open(bundle, settings.classifier),
                        new ModelReloader.Listener() {
                            @Override
                            public void swapped(SpamScorer previous, SpamScorer now, long nanos) {
                                modelMetrics.swapped(previous, now, nanos);
                                DataDomain domain =
                                        now instanceof SpamClassifier
                                                ? ((SpamClassifier) now).manifest().domain()
                                                : DataDomain.UNKNOWN;
                                metrics.serving(now.modelId(), domain);
                                warnIfSms(now, domain);
                                limits = limits(settings.maxBytes, now.maxTokens());
                            }

                            @Override
                            public void failed(String ref, Throwable error) {
                                modelMetrics.failed(ref, error);
                            }
                        },
                        SpamGptEngine.class.getClassLoader());
        reloader.start(Duration.ofMillis(settings.reloadIntervalMillis));
    }

    private static void warnIfSms(SpamScorer scorer, DataDomain domain) {
        if (domain == DataDomain.SMS) {
            LOGGER.warn(
                    "SpamGPT model {} was trained on SMS texts only: it is a demo, not a mail"
                            + " filter (measured on real mail, such a model caught 9% of spam)."
                            + " Retrain it on mail: see 'Learning from your users' in the README.",
                    scorer.modelId());
        }
    }

    /**
     * Checks the model source now, as the poll does; for tests and for operators who turned the
     * poll off.
     *
     * @return what the check did
     */
    java.util.concurrent.CompletableFuture<ModelReloader.Outcome> reload() {
        return reloader.reload();
    }

    /**
     * Scores a mail. Bad MIME is scored on whatever text could be read; a mail without any text is
     * skipped; a mail that cannot be read, or that the model fails on, gets an error verdict.
     *
     * @param mail the mail; its message is read up to {@code maxBytes} and never modified
     * @return the verdict
     * @throws ScoringFailure when the model does not answer in time or is shut down
     * @throws VirtualMachineError a fatal one (not a StackOverflowError), as is
     */
    Verdict classify(Mail mail) throws ScoringFailure {
        long start = System.nanoTime();
        Verdict verdict;
        try {
            verdict = score(mail);
        } catch (ScoringFailure e) {
            metrics.mail(e.verdict(), System.nanoTime() - start);
            throw e;
        } catch (RuntimeException | Error e) {
            // Not expected past score()'s own handling; still the mail's failure, not James's.
            Failures.requireNonFatal(e);
            verdict = failed(mail, "internal", "internal failure: ", e);
        }
        metrics.mail(verdict, System.nanoTime() - start);
        return verdict;
    }

    private Verdict score(Mail mail) throws ScoringFailure {
        MessageText.Result text;
        try {
            text = MessageText.fromMessage(mail.getMessage(), limits);
        } catch (MessagingException | RuntimeException | Error e) {
            // Hostile MIME can overflow javax.mail's recursive decoders: that too is this mail's.
            Failures.requireNonFatal(e);
            return failed(mail, "read", "unreadable message: ", e);
        }
        if (!text.problems().isEmpty()) {
            LOGGER.debug("SpamGPT read mail {} with problems: {}", mail.getName(), text.problems());
        }
        if (!text.hasText()) {
            if (text.problems().isEmpty()) {
                return Verdict.skipped("no text");
            }
            metrics.error("read");
            return Verdict.error("no readable text: " + text.problems().get(0));
        }
        try {
            InferencePool.Score score = pool.score(text.text(), settings.timeoutMillis);
            Verdict verdict = Verdict.scored(score.value, score.threshold, score.modelId);
            verdict = explained(verdict, text.text());
            if (shadow != null && settings.shadowHeader != null) {
                // The mail waits for the shadow at most its share of the live batch's time.
                float shadowScore =
                        score.shadowScore((long) (settings.shadowShare * score.batchNanos));
                if (!Float.isNaN(shadowScore)) {
                    SpamScorer model = shadow.model();
                    verdict = verdict.withShadow(shadowScore, model.threshold(), model.modelId());
                }
            }
            return verdict;
        } catch (InferencePool.ScoringException e) {
            if (InferencePool.MODEL.equals(e.kind())) {
                // The model failed on this text alone (a failed batch is retried one by one).
                return failed(mail, e.kind(), "", e);
            }
            metrics.error(e.kind());
            throw new ScoringFailure(Verdict.error(e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.error("interrupted");
            throw new ScoringFailure(Verdict.error("interrupted while scoring"), e);
        }
    }

    /**
     * Adds the report of an explanation, when {@code explain} asks for one, within {@code
     * explainTimeout}: past it, or when the explainer is busy, the verdict goes on without one and
     * the skip is counted ({@code spamgpt_explanations_total{outcome}}).
     */
    private Verdict explained(Verdict verdict, String text) {
        boolean wanted =
                "all".equals(settings.explain)
                        || ("spam".equals(settings.explain) && verdict.isSpam());
        if (!wanted) {
            return verdict;
        }
        Future<Explanation> running;
        try {
            running =
                    explainer.submit(
                            () -> {
                                try (LiveModel.Lease lease = live.acquire()) {
                                    SpamScorer model = lease.scorer();
                                    if (!verdict.modelId().orElse("").equals(model.modelId())) {
                                        return null; // swapped since: it would explain another
                                    }
                                    int words = model.maxTokens() > 0 ? model.maxTokens() : 1024;
                                    return new OcclusionExplainer(model, EXPLAIN_SPANS, words)
                                            .explain(text, EXPLAIN_TOP);
                                }
                            });
        } catch (RejectedExecutionException e) {
            metrics.explanation("busy");
            return verdict;
        }
        try {
            Explanation why = running.get(settings.explainTimeoutMillis, TimeUnit.MILLISECONDS);
            if (why == null) {
                metrics.explanation("swapped");
                return verdict;
            }
            metrics.explanation("done");
            return verdict.withReport(
                    ExplanationReport.value(verdict, verdict.modelId().orElse(modelId()), why));
        } catch (TimeoutException e) {
            metrics.explanation("timeout");
        } catch (ExecutionException e) {
            Failures.requireNonFatal(e.getCause());
            metrics.explanation("error");
            LOGGER.debug("SpamGPT explanation failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.explanation("interrupted");
        }
        return verdict;
    }

    /** A short description for a verdict or a log line: the message, or the class for an Error. */
    private static String describe(Throwable t) {
        return t instanceof Error || t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Counts, logs (once, one line) and describes a failure that is this mail's alone. */
    private Verdict failed(Mail mail, String kind, String prefix, Throwable e) {
        metrics.error(kind);
        String reason = prefix + describe(e);
        if (LOGGER.isDebugEnabled()) {
            LOGGER.warn(
                    "SpamGPT marked mail {} as error ({}): {}", mail.getName(), kind, reason, e);
        } else {
            LOGGER.warn("SpamGPT marked mail {} as error ({}): {}", mail.getName(), kind, reason);
        }
        return Verdict.error(reason);
    }

    float threshold() {
        return live.current().threshold();
    }

    String modelId() {
        return live.current().modelId();
    }

    /**
     * @return the port metrics are served on, or -1
     */
    int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    @Override
    public void close() {
        LOGGER.info("SpamGPT model {} stopping: {}", modelId(), metrics.summary());
        reloader.close();
        explainer.shutdownNow();
        pool.close();
        if (shadow != null) {
            shadow.close();
        }
        live.close();
        if (endpoint != null) {
            endpoint.release();
        }
    }

    /**
     * The extraction limits scoring uses; the feedback listener extracts with the same ones, so a
     * report's text is the text the model read.
     */
    static MessageText.Limits limits(long maxBytes, int maxTokens) {
        return MessageText.Limits.defaults()
                .withMaxBytes(maxBytes)
                .withMaxChars(maxChars(maxTokens));
    }

    private static DataDomain domainOf(Path bundle) {
        try {
            return JSON.readValue(
                            bundle.resolve(ModelBundle.MANIFEST).toFile(), BundleManifest.class)
                    .domain();
        } catch (IOException | RuntimeException e) {
            // The scorer has read this manifest already; an unreadable domain is just unknown.
            return DataDomain.UNKNOWN;
        }
    }

    private static int maxChars(int tokens) {
        if (tokens <= 0) {
            return MAX_CHARS;
        }
        return Math.max(MIN_CHARS, Math.min(MAX_CHARS, tokens * CHARS_PER_TOKEN));
    }
}
