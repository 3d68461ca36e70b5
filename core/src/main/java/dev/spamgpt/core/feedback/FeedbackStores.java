package dev.spamgpt.core.feedback;

import java.io.IOException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

/**
 * Opens a store from one string, the same for the listener's {@code store} parameter and the
 * trainer's {@code --source feedback:...}:
 *
 * <ul>
 *   <li>{@code kafka:TOPIC@HOST:PORT[,HOST:PORT...]}: a {@link KafkaFeedbackStore};
 *   <li>anything else: the path of a {@link FolderFeedbackStore}.
 * </ul>
 */
public final class FeedbackStores {

    /** Default bound on one Kafka append or read. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final String KAFKA = "kafka:";

    private FeedbackStores() {}

    /**
     * @param spec a folder path or {@code kafka:TOPIC@BOOTSTRAP}
     * @param kafkaProperties extra Kafka client settings (ignored for a folder)
     * @param timeout bound on one Kafka append or read
     * @return the store
     * @throws IllegalArgumentException for a malformed spec
     * @throws IOException if a folder cannot be created
     */
    public static FeedbackStore open(
            String spec, Map<String, String> kafkaProperties, Duration timeout) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no feedback store given");
        }
        String s = spec.trim();
        if (s.startsWith(KAFKA)) {
            String rest = s.substring(KAFKA.length());
            int at = rest.indexOf('@');
            if (at <= 0 || at == rest.length() - 1) {
                throw new IllegalArgumentException(
                        "a Kafka feedback store is kafka:TOPIC@HOST:PORT, got " + spec);
            }
            return new KafkaFeedbackStore(
                    rest.substring(0, at),
                    rest.substring(at + 1),
                    kafkaProperties,
                    timeout,
                    KafkaFeedbackStore.DEFAULT_MAX_RECORD_BYTES);
        }
        return FolderFeedbackStore.open(Paths.get(s));
    }

    /**
     * @param spec a store spec
     * @return whether it names a Kafka topic
     */
    public static boolean isKafka(String spec) {
        return spec != null && spec.trim().startsWith(KAFKA);
    }
}
