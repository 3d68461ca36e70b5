package dev.spamgpt.streams.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka-side settings of the filter: who it is, where the cluster is, the guarantee, threads and
 * any raw Kafka client setting ({@code overrides}, for example {@code security.protocol}).
 *
 * @param applicationId Kafka Streams {@code application.id}: consumer group and topic prefix
 * @param bootstrapServers the cluster
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param streamThreads stream threads in this instance
 * @param stateDir state directory, or null for Kafka Streams' default
 * @param overrides raw Kafka Streams / client properties, applied last
 */
public record KafkaOptions(
        String applicationId,
        String bootstrapServers,
        String processingGuarantee,
        int streamThreads,
        Path stateDir,
        Map<String, String> overrides) {

    /** Checks the values and copies the overrides. */
    public KafkaOptions {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("missing application id");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("missing bootstrap servers");
        }
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
                && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException(
                    "processing guarantee must be "
                            + StreamsConfig.EXACTLY_ONCE_V2
                            + " or "
                            + StreamsConfig.AT_LEAST_ONCE
                            + ", got "
                            + processingGuarantee);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException(
                    "stream threads must be at least 1, got " + streamThreads);
        }
        overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
    }
}
