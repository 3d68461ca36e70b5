package dev.spamgpt.streams.config;

import dev.spamgpt.streams.topology.JsonTextPath;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the topology needs to know: topics, how to read a value, the size limit and the micro-batch
 * bounds. Kafka client settings live apart, in {@link StreamsSettings}.
 *
 * @param inputTopic topic to read
 * @param spamTopic topic for records scored at or above the model threshold
 * @param hamTopic topic for the other classified records
 * @param dlqTopic dead-letter topic for records that cannot be classified
 * @param valueFormat how the text is found in a value
 * @param jsonPath path of the text field when {@code valueFormat} is {@link ValueFormat#JSON}
 * @param maxRecordBytes key, value and header bytes above which a record is dead-lettered unread
 * @param batchSize records scored together at most; 1 scores each record as it arrives
 * @param batchWait longest time a record waits in the buffer for a batch to fill
 * @param classifierTimeout longest wait for one classifier call; zero waits for ever
 */
public record FilterConfig(
        String inputTopic,
        String spamTopic,
        String hamTopic,
        String dlqTopic,
        ValueFormat valueFormat,
        String jsonPath,
        int maxRecordBytes,
        int batchSize,
        Duration batchWait,
        Duration classifierTimeout) {

    /** Default size limit: 1 MiB, about the broker's default {@code message.max.bytes}. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    /**
     * Default classifier call timeout: far above a normal call, well inside {@code
     * max.poll.interval.ms}.
     */
    public static final Duration DEFAULT_CLASSIFIER_TIMEOUT = Duration.ofSeconds(60);

    /** Largest accepted batch: keeps one flush well inside {@code max.poll.interval.ms}. */
    public static final int MAX_BATCH_SIZE = 1024;

    /** Checks every field, so that a bad setting fails at start-up with a message that names it. */
    public FilterConfig {
        Objects.requireNonNull(valueFormat, "valueFormat");
        Objects.requireNonNull(batchWait, "batchWait");
        Objects.requireNonNull(classifierTimeout, "classifierTimeout");
        requireTopic(inputTopic, "input topic");
        requireTopic(spamTopic, "spam topic");
        requireTopic(hamTopic, "ham topic");
        requireTopic(dlqTopic, "dead-letter topic");
        if (Set.of(inputTopic, spamTopic, hamTopic, dlqTopic).size() != 4) {
            throw new IllegalArgumentException(
                    "input, spam, ham and dead-letter topics must all differ: "
                            + String.join(", ", inputTopic, spamTopic, hamTopic, dlqTopic));
        }
        if (valueFormat == ValueFormat.JSON) {
            JsonTextPath.compile(jsonPath);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException(
                    "max record bytes must be positive, got " + maxRecordBytes);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(
                    "batch size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (batchWait.isNegative() || batchWait.isZero()) {
            throw new IllegalArgumentException(
                    "batch wait must be positive, got " + batchWait.toMillis() + " ms");
        }
        if (classifierTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "classifier timeout must not be negative, got "
                            + classifierTimeout.toMillis()
                            + " ms");
        }
    }

    /** The same with the {@link #DEFAULT_CLASSIFIER_TIMEOUT}. */
    public FilterConfig(
            String inputTopic,
            String spamTopic,
            String hamTopic,
            String dlqTopic,
            ValueFormat valueFormat,
            String jsonPath,
            int maxRecordBytes,
            int batchSize,
            Duration batchWait) {
        this(
                inputTopic,
                spamTopic,
                hamTopic,
                dlqTopic,
                valueFormat,
                jsonPath,
                maxRecordBytes,
                batchSize,
                batchWait,
                DEFAULT_CLASSIFIER_TIMEOUT);
    }

    /** Returns whether records are buffered (and so kept in the buffer store) before scoring. */
    public boolean batching() {
        return batchSize > 1;
    }

    private static void requireTopic(String topic, String what) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("missing " + what);
        }
    }
}
