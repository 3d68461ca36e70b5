package dev.spamgpt.streams.testing;

import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.ValueFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** Filter and Kafka settings for the tests and the bench that run the filter on a broker. */
public final class TestSettings {

    private TestSettings() {}

    /**
     * A filter that reads {@code prefix-in} and writes {@code prefix-spam}, {@code prefix-ham} and
     * {@code prefix-dlq}, so that each test has topics of its own on a shared broker.
     *
     * @param prefix the start of every topic name
     * @param format how the text is found in a value (not JSON: there is no JSON path)
     * @param maxRecordBytes the size limit
     * @param batchSize records scored together at most
     * @param batchWait longest wait for a batch to fill
     * @return the filter settings, with the default classifier timeout
     */
    public static FilterConfig filter(
            String prefix,
            ValueFormat format,
            int maxRecordBytes,
            int batchSize,
            Duration batchWait) {
        return new FilterConfig(
                prefix + "-in",
                prefix + "-spam",
                prefix + "-ham",
                prefix + "-dlq",
                format,
                null,
                maxRecordBytes,
                batchSize,
                batchWait);
    }

    /**
     * Exactly-once v2 with one stream thread and no raw Kafka setting.
     *
     * @param applicationId the Kafka Streams application id
     * @param bootstrap the cluster
     * @param stateDir the state directory
     * @return the Kafka settings
     */
    public static KafkaOptions kafka(String applicationId, String bootstrap, Path stateDir) {
        return new KafkaOptions(
                applicationId, bootstrap, StreamsConfig.EXACTLY_ONCE_V2, 1, stateDir, Map.of());
    }
}
