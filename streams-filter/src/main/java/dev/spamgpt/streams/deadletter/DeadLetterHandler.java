package dev.spamgpt.streams.deadletter;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.header.Headers;

/**
 * What the three Kafka Streams exception handlers share: they read {@link HandlerSettings} when
 * Kafka configures them, and each turns a failed record into at most one counted dead letter.
 */
abstract class DeadLetterHandler implements Configurable {

    private HandlerSettings settings;

    @Override
    public void configure(Map<String, ?> configs) {
        settings = HandlerSettings.from(configs);
    }

    /** Returns the dead-letter topic, or null when the handlers only log. */
    final String dlqTopic() {
        return settings.dlqTopic();
    }

    /**
     * Builds the dead letter for a failed record and counts it, as {@link DeadLetters#record}
     * builds it within the size limit.
     *
     * @param reason why
     * @param key raw key, may be null
     * @param value raw value, may be null
     * @param timestamp the record timestamp, or negative for none
     * @param headers the record's headers, may be null
     * @param error the exception
     * @param topic source topic, or null
     * @param partition source partition, or -1
     * @param offset source offset, or -1
     * @return the dead letter to send, or nothing when no dead-letter topic is configured
     */
    final List<ProducerRecord<byte[], byte[]>> deadLetter(
            DeadLetterReason reason,
            byte[] key,
            byte[] value,
            long timestamp,
            Headers headers,
            Throwable error,
            String topic,
            int partition,
            long offset) {
        if (settings.dlqTopic() == null) {
            return List.of();
        }
        settings.count(reason);
        return List.of(
                DeadLetters.record(
                        settings.dlqTopic(),
                        key,
                        value,
                        timestamp,
                        headers,
                        reason,
                        error,
                        topic,
                        partition,
                        offset,
                        settings.maxRecordBytes()));
    }
}
