package dev.spamgpt.trainer.backtest;

import dev.spamgpt.trainer.data.DataFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a backtest's {@code --data} into the source it names. */
public final class MessageSources {

    private static final String KAFKA = "kafka:";
    private static final String FEEDBACK = "feedback:";
    private static final List<String> FORMATS = List.of("mail", "csv", "tsv", "jsonl", "sms");

    private MessageSources() {}

    /**
     * @param data the option's value
     * @return whether it names a Kafka topic range
     */
    public static boolean isKafka(String data) {
        return data.startsWith(KAFKA);
    }

    /**
     * Opens a file, folder or feedback source.
     *
     * @param data {@code PATH}, {@code FORMAT:PATH} or {@code feedback:STORE}
     * @param maxLineChars the longest line or record of a text file
     * @return the source
     * @throws IllegalArgumentException if the spec is malformed
     * @throws IOException if the path is missing or its format cannot be told
     */
    public static MessageSource open(String data, int maxLineChars) throws IOException {
        if (data.isBlank()) {
            throw new IllegalArgumentException("--data is empty");
        }
        if (data.startsWith(FEEDBACK)) {
            String store = data.substring(FEEDBACK.length());
            if (store.isBlank()) {
                throw new IllegalArgumentException(
                        "a feedback source is feedback:DIR or feedback:kafka:TOPIC@HOST:PORT");
            }
            if (!store.startsWith(KAFKA) && !java.nio.file.Files.isDirectory(Paths.get(store))) {
                throw new IOException(store + " is not a feedback folder");
            }
            return new FeedbackMessages(store);
        }
        int colon = data.indexOf(':');
        if (colon > 1) {
            String prefix = data.substring(0, colon).toLowerCase(Locale.ROOT);
            if (FORMATS.contains(prefix)) {
                Path path = Paths.get(data.substring(colon + 1));
                return new FileSource(path, DataFormat.parse(prefix), maxLineChars);
            }
        }
        return new FileSource(Paths.get(data), null, maxLineChars);
    }

    /**
     * A Kafka topic range.
     *
     * @param data {@code kafka:TOPIC@HOST:PORT,...}
     * @param partitions the partitions, or null for all
     * @param from the first offset or time, or null
     * @param to the offset or time to stop before, or null
     * @param format how a value holds the text
     * @param jsonPath the text's field for JSON values
     * @param labelHeader the label header, or null
     * @param properties more consumer settings, or null
     * @param timeout the longest wait for a record
     * @return the source
     * @throws IllegalArgumentException if the spec or the range is malformed
     */
    public static KafkaRange kafka(
            String data,
            List<Integer> partitions,
            KafkaRange.Bound from,
            KafkaRange.Bound to,
            KafkaRange.ValueFormat format,
            String jsonPath,
            String labelHeader,
            Map<String, String> properties,
            Duration timeout) {
        String[] tb = KafkaRange.topicAndBootstrap(data.substring(KAFKA.length()));
        if (partitions != null && partitions.stream().anyMatch(p -> p == null || p < 0)) {
            throw new IllegalArgumentException("--partitions must be numbers >= 0");
        }
        return new KafkaRange(
                new KafkaRange.Settings(
                        tb[0],
                        tb[1],
                        partitions,
                        from,
                        to,
                        format,
                        jsonPath,
                        labelHeader,
                        properties,
                        timeout));
    }
}
