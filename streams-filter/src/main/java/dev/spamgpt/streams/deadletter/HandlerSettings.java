package dev.spamgpt.streams.deadletter;

import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.metrics.FilterMetrics;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the exception handlers read from the Streams configuration: the dead-letter topic (Kafka's
 * own {@code errors.dead.letter.queue.topic.name}), the size limit and the metrics object, which
 * Kafka passes through unchanged from the {@code Properties} the app built.
 *
 * @param dlqTopic dead-letter topic, or null to only log
 * @param maxRecordBytes size limit; larger keys or values stay out of dead letters
 * @param metrics the filter's metrics, or null
 */
record HandlerSettings(String dlqTopic, int maxRecordBytes, FilterMetrics metrics) {

    static HandlerSettings from(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        Object limit = configs.get(StreamsSettings.MAX_RECORD_BYTES_CONFIG);
        Object metrics = configs.get(StreamsSettings.METRICS_CONFIG);
        return new HandlerSettings(
                topic == null ? null : topic.toString(),
                limit == null
                        ? FilterConfig.DEFAULT_MAX_RECORD_BYTES
                        : Integer.parseInt(limit.toString()),
                metrics instanceof FilterMetrics m ? m : null);
    }

    void count(DeadLetterReason reason) {
        if (metrics != null && dlqTopic != null) {
            metrics.deadLettered(reason);
        }
    }
}
