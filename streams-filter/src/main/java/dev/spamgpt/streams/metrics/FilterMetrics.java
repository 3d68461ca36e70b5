package dev.spamgpt.streams.metrics;

import dev.spamgpt.streams.deadletter.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The filter's own meters. Names use Micrometer's dotted form; Prometheus shows them with
 * underscores, for example {@code spamgpt_records_classified_total{label="spam"}}.
 *
 * <ul>
 *   <li>{@code spamgpt.records.classified} (counter, tag {@code label}: spam or ham)
 *   <li>{@code spamgpt.records.dead.lettered} (counter, tag {@code reason})
 *   <li>{@code spamgpt.inference} (timer of one {@code spamProbabilities} call, p50 and p99)
 *   <li>{@code spamgpt.inference.batch.size} (texts per call, p50 and p99)
 * </ul>
 */
public final class FilterMetrics {

    private final MeterRegistry registry;
    private final Counter spam;
    private final Counter ham;
    private final Map<DeadLetterReason, Counter> deadLetters =
            new EnumMap<>(DeadLetterReason.class);
    private final Map<String, Counter> threadReplacements = new ConcurrentHashMap<>();
    private final Timer inference;
    private final DistributionSummary batchSize;

    /**
     * Registers the meters.
     *
     * @param registry where to register them
     */
    public FilterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.spam = classified(registry, "spam");
        this.ham = classified(registry, "ham");
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(
                    reason,
                    Counter.builder("spamgpt.records.dead.lettered")
                            .description("Records written to the dead-letter topic, by reason")
                            .tag("reason", reason.code())
                            .register(registry));
        }
        this.inference =
                Timer.builder("spamgpt.inference")
                        .description("Time of one classifier call (one micro-batch)")
                        .publishPercentiles(0.5, 0.99)
                        .register(registry);
        this.batchSize =
                DistributionSummary.builder("spamgpt.inference.batch.size")
                        .description("Texts scored per classifier call")
                        .baseUnit("records")
                        .publishPercentiles(0.5, 0.99)
                        .register(registry);
    }

    /**
     * Meters in a private registry, for tests and tools that do not export them.
     *
     * @return new metrics
     */
    public static FilterMetrics inMemory() {
        return new FilterMetrics(new SimpleMeterRegistry());
    }

    /**
     * Counts one classified record.
     *
     * @param isSpam whether it was routed to the spam topic
     */
    public void classified(boolean isSpam) {
        (isSpam ? spam : ham).increment();
    }

    /**
     * Counts one dead-lettered record.
     *
     * @param reason why
     */
    public void deadLettered(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    /**
     * Records one classifier call.
     *
     * @param texts how many texts it scored
     * @param elapsed how long it took
     */
    public void inference(int texts, Duration elapsed) {
        inference.record(elapsed);
        batchSize.record(texts);
    }

    /**
     * Counts a stream thread that died and was replaced.
     *
     * @param cause the exception class that killed it
     */
    public void threadReplaced(String cause) {
        threadReplacements
                .computeIfAbsent(
                        cause,
                        c ->
                                Counter.builder("spamgpt.stream.threads.replaced")
                                        .description(
                                                "Stream threads that died on an unexpected error"
                                                        + " and were replaced")
                                        .tag("exception", c)
                                        .register(registry))
                .increment();
    }

    /** Returns the inference timer (for reports). */
    public Timer inferenceTimer() {
        return inference;
    }

    /** Returns the batch size summary (for reports). */
    public DistributionSummary batchSizes() {
        return batchSize;
    }

    /** Returns the records counted with a label. */
    public long classifiedCount(boolean isSpam) {
        return (long) (isSpam ? spam : ham).count();
    }

    /** Returns the records dead-lettered for a reason. */
    public long deadLetterCount(DeadLetterReason reason) {
        return (long) deadLetters.get(reason).count();
    }

    /** Returns the registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    private static Counter classified(MeterRegistry registry, String label) {
        return Counter.builder("spamgpt.records.classified")
                .description("Records classified and routed, by label")
                .tag("label", label)
                .register(registry);
    }
}
