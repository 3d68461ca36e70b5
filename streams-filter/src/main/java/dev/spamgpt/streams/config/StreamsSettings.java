package dev.spamgpt.streams.config;

import dev.spamgpt.streams.deadletter.DeadLetterDeserializationHandler;
import dev.spamgpt.streams.deadletter.DeadLetterProcessingHandler;
import dev.spamgpt.streams.deadletter.DeadLetterProductionHandler;
import dev.spamgpt.streams.metrics.FilterMetrics;
import dev.spamgpt.streams.topology.SafeTimestampExtractor;
import dev.spamgpt.streams.topology.SpamFilterTopology;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Turns the filter's settings into Kafka Streams {@link Properties}. Kept apart from the topology.
 */
public final class StreamsSettings {

    /** Key under which the {@link FilterMetrics} instance reaches the exception handlers. */
    public static final String METRICS_CONFIG = "spamgpt.metrics";

    /** Key under which the size limit reaches the exception handlers. */
    public static final String MAX_RECORD_BYTES_CONFIG = "spamgpt.max.record.bytes";

    private StreamsSettings() {}

    /**
     * Builds the Streams configuration.
     *
     * @param kafka cluster, identity, guarantee, threads and raw overrides
     * @param filter topics and size limit
     * @param metrics handed to the exception handlers, so that their dead letters are counted
     * @return the properties; {@code kafka.overrides()} are applied last and win
     */
    public static Properties properties(
            KafkaOptions kafka, FilterConfig filter, FilterMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // exactly_once_v2 by default: outputs, buffer store and input offsets commit in one
        // transaction.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, kafka.processingGuarantee());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, kafka.streamThreads());
        if (kafka.stateDir() != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, kafka.stateDir().toString());
        }
        // The topology names its serdes; these only keep a stray default from being String.
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // Nothing may stop the app or vanish: every handler dead-letters, Kafka's own DLQ topic
        // setting tells them where.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, filter.dlqTopic());
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class);
        props.put(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class);
        props.put(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionHandler.class);
        props.put(
                StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG,
                SafeTimestampExtractor.class);
        props.put(METRICS_CONFIG, metrics);
        props.put(MAX_RECORD_BYTES_CONFIG, Integer.toString(filter.maxRecordBytes()));
        // A record up to the size limit, plus headers, must fit into one produce request, or the
        // send fails and (under exactly-once) aborts the transaction.
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                SpamFilterTopology.maxMessageBytes(filter));
        props.putAll(kafka.overrides());
        return props;
    }

    /**
     * Builds an admin client configuration for topic creation: the bootstrap servers plus those
     * overrides an admin client knows (security settings and the like).
     *
     * @param kafka the Kafka options
     * @return the properties
     */
    public static Properties adminProperties(KafkaOptions kafka) {
        Properties props = new Properties();
        for (Map.Entry<String, String> entry : kafka.overrides().entrySet()) {
            if (AdminClientConfig.configNames().contains(entry.getKey())) {
                props.put(entry.getKey(), entry.getValue());
            }
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return props;
    }
}
