package dev.spamgpt.streams.topology;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.core.util.Failures;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import dev.spamgpt.streams.deadletter.DeadLetters;
import dev.spamgpt.streams.metrics.FilterMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies records in micro-batches and tags each with its route.
 *
 * <p>Records with text are buffered until {@code batchSize} are waiting or the oldest has waited
 * {@code batchWait} (checked by a wall-clock punctuator every half wait), then scored with one
 * {@link SpamScorer#spamProbabilities} call and forwarded in input order. Grouping by length
 * happens inside that call: {@code SpamClassifier} tokenizes the texts, sorts them by token count
 * and runs forward passes over neighbours, packed several to a row so that a pass computes almost
 * no padding. Records without usable text go to the dead-letter route at once.
 *
 * <p><b>Why a state store.</b> Kafka Streams commits a task's input offsets after {@code process()}
 * returns, on its own schedule ({@code commit.interval.ms}), and offers processors no hook that
 * runs before a commit. A buffer held only in memory could therefore be behind a committed offset
 * when the process dies, and those records would be lost. Each buffered record is therefore also
 * written to a changelogged key-value store, keyed by (partition, offset), and deleted when it has
 * been forwarded. The puts, deletes, forwarded records and offsets go into the same commit (the
 * same transaction under {@code exactly_once_v2}), so after a crash the store is restored to
 * exactly the records that were buffered at the last commit, and {@link #init} reloads them.
 * Nothing is flushed in {@link #close}: a clean close commits the store, and whoever owns the task
 * next flushes it. The store is in memory with a changelog and a cache, so a record that is put and
 * deleted within one commit interval costs only a tombstone in the changelog.
 *
 * <p>With {@code batchSize} 1 there is no buffer and no store: each record is scored as it arrives.
 *
 * <p><b>A model that changes.</b> The model is a {@link LiveModel}: each batch takes one lease and
 * reads its scores, verdicts and {@code spam.model} header from that model alone, so a swap lands
 * between batches and a partition's header changes once, at a record boundary. A shadow model, if
 * any, is handed the batch after the live scores; only with the shadow header does the batch wait
 * for it, and then at most the shadow's share of the live call's time.
 *
 * <p><b>One record, one outcome.</b> Whatever reading or scoring one record throws, a {@code
 * StackOverflowError} included, becomes that record's dead letter; only {@link Failures#isFatal
 * fatal} errors stop the thread. A classifier call runs on a worker thread and is given up after
 * {@code classifierTimeout}: its records are dead-lettered ({@code classifier-timeout}) and the
 * call is interrupted, but it may go on running on that worker until the model returns.
 */
final class ClassifyProcessor implements Processor<byte[], byte[], byte[], Routed> {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyProcessor.class);

    /** A classifier call slower than this fraction of {@code max.poll.interval.ms} is logged. */
    private static final int SLOW_CALL_FRACTION = 10;

    /** Worker threads of classifier calls, shared by every task; a timed-out call keeps its own. */
    private static final ExecutorService CALLS =
            Executors.newCachedThreadPool(
                    new ThreadFactory() {
                        private final AtomicInteger count = new AtomicInteger();

                        @Override
                        public Thread newThread(Runnable r) {
                            Thread t =
                                    new Thread(r, "spamgpt-classifier-" + count.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        }
                    });

    /** A classifier call that did not return within the classifier timeout. */
    static final class ClassifierTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClassifierTimeoutException(String message) {
            super(message);
        }
    }

    private final FilterConfig config;
    private final LiveModel model;
    private final ShadowScorer shadow;
    private final boolean shadowHeader;
    private final FilterMetrics metrics;
    private final TextExtractor extractor;
    private final List<Pending> buffer = new ArrayList<>();
    private final long timeoutNanos;

    private ProcessorContext<byte[], Routed> context;
    private KeyValueStore<Bytes, BufferedRecord> store;
    private long slowCallNanos;

    /** Wall-clock time at which the oldest record in the buffer entered it. */
    private long oldestBufferedAtMs;

    /** Wall-clock time at which the last flush returned, as far as this processor can tell. */
    private long lastFlushEndedAtMs;

    /**
     * A buffered record and its text (or why it has none, for a record restored under a new
     * config).
     */
    private record Pending(BufferedRecord record, ExtractedText extraction) {}

    ClassifyProcessor(FilterConfig config, Models models, FilterMetrics metrics) {
        this.config = config;
        this.model = models.live();
        this.shadow = models.shadow();
        this.shadowHeader = models.shadowHeader();
        this.metrics = metrics;
        this.extractor = new TextExtractor(config);
        this.timeoutNanos = config.classifierTimeout().toNanos();
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
        this.context = context;
        this.slowCallNanos =
                Duration.ofMillis(maxPollIntervalMs(context) / SLOW_CALL_FRACTION).toNanos();
        // init runs again when a task is revived after an aborted transaction: start from the
        // store.
        buffer.clear();
        if (!config.batching()) {
            return;
        }
        store = context.getStateStore(SpamFilterTopology.BUFFER_STORE);
        try (KeyValueIterator<Bytes, BufferedRecord> restored = store.all()) {
            while (restored.hasNext()) {
                KeyValue<Bytes, BufferedRecord> entry = restored.next();
                BufferedRecord record = entry.value;
                buffer.add(
                        new Pending(
                                record,
                                extractor.extract(record.key(), record.value(), record.headers())));
            }
        }
        if (!buffer.isEmpty()) {
            oldestBufferedAtMs = context.currentSystemTimeMs();
            LOG.info(
                    "Task {}: {} buffered records restored from the state store",
                    context.taskId(),
                    buffer.size());
        }
        // Check twice per wait, and flush only a buffer whose oldest record has waited long enough:
        // after a slow flush the punctuation is overdue, and flushing whatever is there at that
        // moment would shrink every later batch to a record or two.
        long waitMs = config.batchWait().toMillis();
        context.schedule(
                Duration.ofMillis(Math.max(1, waitMs / 2)),
                PunctuationType.WALL_CLOCK_TIME,
                now -> {
                    if (!buffer.isEmpty() && now - oldestBufferedAtMs >= waitMs) {
                        flush();
                    }
                });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            processOne(record);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            Failures.requireNonFatal(e);
            // The processing exception handler sees only exceptions: wrapped, the error becomes
            // this record's processing-error dead letter instead of killing the thread.
            throw new IllegalStateException(
                    "processing the record threw " + DeadLetters.describe(e), e);
        }
    }

    private void processOne(Record<byte[], byte[]> record) {
        RecordMetadata source =
                context.recordMetadata()
                        .orElseThrow(
                                () -> new IllegalStateException("record without source metadata"));
        BufferedRecord input =
                new BufferedRecord(
                        source.topic(),
                        source.partition(),
                        source.offset(),
                        record.timestamp(),
                        record.key(),
                        record.value(),
                        record.headers());
        ExtractedText extraction =
                extractor.extract(record.key(), record.value(), record.headers());
        if (!extraction.ok()) {
            forwardDeadLetter(input, extraction.reason(), extraction.error());
            return;
        }
        Pending pending = new Pending(input, extraction);
        if (!config.batching()) {
            classifyAndForward(List.of(pending));
            return;
        }
        store.put(input.storeKey(), input);
        if (buffer.isEmpty()) {
            // Streams hands every record of one processing round the clock read at the round's
            // start, which misses a flush earlier in the round: without the max, a record buffered
            // after a slow flush looks as old as that flush and the next punctuation cuts its
            // batch short.
            oldestBufferedAtMs = Math.max(context.currentSystemTimeMs(), lastFlushEndedAtMs);
        }
        buffer.add(pending);
        if (buffer.size() >= config.batchSize()) {
            flush();
        }
    }

    @Override
    public void close() {
        // The store holds the buffer; see the class comment.
        buffer.clear();
    }

    private void flush() {
        if (buffer.isEmpty()) {
            return;
        }
        long startedAtMs = context.currentSystemTimeMs();
        long startNanos = System.nanoTime();
        try {
            classifyAndForward(buffer);
            for (Pending pending : buffer) {
                store.delete(pending.record().storeKey());
            }
        } catch (Throwable e) {
            Failures.requireNonFatal(e);
            throw new BatchFailedException(
                    "flushing " + buffer.size() + " buffered records failed", e);
        }
        buffer.clear();
        lastFlushEndedAtMs =
                startedAtMs + Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    private void classifyAndForward(List<Pending> batch) {
        List<String> texts = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            if (pending.extraction().ok()) {
                texts.add(pending.extraction().text());
            }
        }
        // One lease per batch: a model swap lands between batches, never inside one, and a batch's
        // scores, verdicts and spam.model header all come from the same model.
        try (LiveModel.Lease lease = model.acquire()) {
            long start = System.nanoTime();
            Scores scores = scoreWithFallback(texts, lease);
            float[] shadowScores = shadow(texts, scores, lease.scorer(), System.nanoTime() - start);
            forwardScored(batch, lease.scorer(), scores, shadowScores);
        }
    }

    /**
     * Hands a scored batch to the shadow. Only with {@code spam.shadow.score} headers does the live
     * path wait for it, and then at most the shadow's share of the live call's time.
     *
     * @return the shadow's scores for the header, or null
     */
    private float[] shadow(List<String> texts, Scores scores, SpamScorer live, long liveNanos) {
        if (shadow == null || texts.isEmpty()) {
            return null;
        }
        for (Throwable error : scores.errors) {
            if (error != null) {
                return null;
            }
        }
        CompletableFuture<float[]> result =
                shadow.offer(texts, scores.values.clone(), live.threshold(), liveNanos);
        if (result == null || !shadowHeader) {
            return null;
        }
        try {
            return result.get((long) (shadow.maxShare() * liveNanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    private void forwardScored(
            List<Pending> batch, SpamScorer scorer, Scores scores, float[] shadowScores) {
        int next = 0;
        for (Pending pending : batch) {
            ExtractedText extraction = pending.extraction();
            if (!extraction.ok()) {
                forwardDeadLetter(pending.record(), extraction.reason(), extraction.error());
                continue;
            }
            int i = next++;
            Throwable error = scores.errors[i];
            if (error != null) {
                forwardDeadLetter(
                        pending.record(),
                        error instanceof ClassifierTimeoutException
                                ? DeadLetterReason.CLASSIFIER_TIMEOUT
                                : DeadLetterReason.CLASSIFIER_FAILURE,
                        DeadLetters.describe(error));
            } else {
                forwardClassified(
                        pending.record(),
                        scorer,
                        scores.values[i],
                        shadowScores == null ? Float.NaN : shadowScores[i]);
            }
        }
    }

    /** Scores of a batch; a record whose scoring failed has an error instead. */
    private static final class Scores {
        final float[] values;
        final Throwable[] errors;

        Scores(int size) {
            values = new float[size];
            errors = new Throwable[size];
        }
    }

    private Scores scoreWithFallback(List<String> texts, LiveModel.Lease lease) {
        Scores scores = new Scores(texts.size());
        if (texts.isEmpty()) {
            return scores;
        }
        try {
            float[] values = score(texts, lease);
            System.arraycopy(values, 0, scores.values, 0, values.length);
            return scores;
        } catch (InterruptException e) {
            throw e;
        } catch (Throwable batchError) {
            Failures.requireNonFatal(batchError);
            // A timed-out call is not retried one by one: that could hold the thread for the
            // timeout once per text, past max.poll.interval.ms.
            if (texts.size() == 1 || batchError instanceof ClassifierTimeoutException) {
                Arrays.fill(scores.errors, batchError);
                return scores;
            }
            // One bad text must not dead-letter its neighbours: find it by scoring each alone.
            LOG.warn(
                    "Classifier failed on a batch of {}; scoring its texts one by one",
                    texts.size(),
                    batchError);
        }
        for (int i = 0; i < texts.size(); i++) {
            try {
                scores.values[i] = score(List.of(texts.get(i)), lease)[0];
            } catch (InterruptException e) {
                throw e;
            } catch (Throwable e) {
                scores.errors[i] = Failures.requireNonFatal(e);
            }
        }
        return scores;
    }

    /** One classifier call; checks that it returns one probability per text. */
    private float[] score(List<String> texts, LiveModel.Lease lease) {
        int n = texts.size();
        long start = System.nanoTime();
        float[] scores = call(texts, lease);
        long elapsed = System.nanoTime() - start;
        metrics.inference(n, Duration.ofNanos(elapsed));
        if (elapsed > slowCallNanos) {
            LOG.warn(
                    "Classifier call for {} texts took {} ms, over a tenth of max.poll.interval.ms:"
                            + " lower --batch-size",
                    n,
                    elapsed / 1_000_000);
        }
        if (scores == null || scores.length != n) {
            throw new IllegalStateException(
                    "classifier returned "
                            + (scores == null ? "null" : scores.length + " scores")
                            + " for "
                            + n
                            + " texts");
        }
        for (float p : scores) {
            if (!(p >= 0f && p <= 1f)) {
                throw new IllegalStateException(
                        "classifier returned the score " + p + ", outside [0, 1]");
            }
        }
        return scores;
    }

    /** Calls the scorer on a worker thread, within the timeout; zero calls it on this thread. */
    private float[] call(List<String> texts, LiveModel.Lease lease) {
        if (timeoutNanos == 0) {
            return lease.scorer().spamProbabilities(texts);
        }
        // A call given up after the timeout goes on running: it holds its own lease, so that a
        // swap meanwhile does not free the model under it.
        LiveModel.Lease worker = lease.share();
        Future<float[]> call;
        try {
            call =
                    CALLS.submit(
                            () -> {
                                try {
                                    return worker.scorer().spamProbabilities(texts);
                                } finally {
                                    worker.close();
                                }
                            });
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        try {
            return call.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            LOG.error(
                    "Classifier call for {} texts did not return within {} ms; dead-lettering its"
                            + " records",
                    texts.size(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            throw new ClassifierTimeoutException(
                    "classifier call for "
                            + texts.size()
                            + " texts did not return within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void forwardClassified(
            BufferedRecord record, SpamScorer scorer, float score, float shadowScore) {
        boolean spam = scorer.isSpam(score);
        Headers headers = SpamHeaders.copyWithoutOurs(record.headers());
        SpamHeaders.put(headers, SpamHeaders.LABEL, spam ? "spam" : "ham");
        SpamHeaders.put(headers, SpamHeaders.SCORE, String.format(Locale.ROOT, "%.6f", score));
        SpamHeaders.put(headers, SpamHeaders.MODEL, scorer.modelId());
        if (!Float.isNaN(shadowScore)) {
            SpamHeaders.put(
                    headers,
                    SpamHeaders.SHADOW_SCORE,
                    String.format(Locale.ROOT, "%.6f", shadowScore));
        }
        context.forward(
                new Record<>(
                        record.key(),
                        new Routed(spam ? Route.SPAM : Route.HAM, record.value()),
                        record.timestamp(),
                        headers));
        metrics.classified(spam);
    }

    private void forwardDeadLetter(BufferedRecord record, DeadLetterReason reason, String error) {
        // An oversized value stays out of the dead letter, so that the dead letter can always be
        // written; the source coordinates point at the original.
        // The same goes for headers that do not fit in the limit beside the key and value kept.
        boolean dropValue = reason == DeadLetterReason.TOO_LARGE && record.value() != null;
        boolean dropKey = record.key() != null && record.key().length > config.maxRecordBytes();
        long budget =
                (long) config.maxRecordBytes()
                        - (dropKey || record.key() == null ? 0 : record.key().length)
                        - (dropValue || record.value() == null ? 0 : record.value().length);
        Headers headers =
                DeadLetters.headers(
                        record.headers(),
                        reason,
                        error,
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        dropValue ? record.value().length : -1,
                        Math.max(0, budget));
        context.forward(
                new Record<>(
                        dropKey ? null : record.key(),
                        new Routed(Route.DEAD_LETTER, dropValue ? null : record.value()),
                        record.timestamp(),
                        headers));
        metrics.deadLettered(reason);
    }

    private static long maxPollIntervalMs(ProcessorContext<?, ?> context) {
        Object configured = context.appConfigs().get("max.poll.interval.ms");
        Object prefixed = context.appConfigs().get("main.consumer.max.poll.interval.ms");
        Object value = prefixed != null ? prefixed : configured;
        try {
            return value == null ? 300_000L : Long.parseLong(value.toString());
        } catch (NumberFormatException e) {
            return 300_000L;
        }
    }
}
