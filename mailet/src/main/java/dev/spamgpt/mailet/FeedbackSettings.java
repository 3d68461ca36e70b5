package dev.spamgpt.mailet;

import dev.spamgpt.core.feedback.FeedbackStores;
import dev.spamgpt.core.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * The {@code <configuration>} of {@link SpamGptFeedbackListener} in {@code listeners.xml}, read and
 * checked once. A bad value stops James at start with a message that names the element.
 */
final class FeedbackSettings {

    static final String DEFAULT_STORE = "var/spamgpt-feedback";
    static final int DEFAULT_MAX_BYTES = 256 * 1024;
    static final int DEFAULT_MAX_TOKENS = 1024;

    /** How the user is written into a report. */
    enum UserMode {
        KEEP,
        HASH
    }

    final String store;
    final Map<String, String> kafka;
    final Duration kafkaTimeout;
    final String spamMailbox;
    final String trashMailbox;
    final UserMode userMode;
    final String userSalt;
    final int maxBytes;
    final int maxTokens;
    final String statusHeader;
    final String modelHeader;
    final int queueCapacity;
    final int retries;
    final long retryBackoffMillis;
    final long delayMillis;
    final long maxDelayMillis;
    final Duration implicitHamAfter;
    final Duration implicitHamEvery;
    final String implicitHamState;

    private FeedbackSettings(HierarchicalConfiguration<ImmutableNode> c) {
        store = text(c, "store", DEFAULT_STORE);
        kafka = kafkaProperties(c);
        kafkaTimeout = Duration.ofSeconds(number(c, "kafkaTimeoutSeconds", 30, 1, 3600));
        spamMailbox = text(c, "spamMailbox", "Spam");
        trashMailbox = text(c, "trashMailbox", "Trash");
        String user = text(c, "user", "hash").toUpperCase(Locale.ROOT);
        try {
            userMode = UserMode.valueOf(user);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <user> must be keep or hash, got "
                            + c.getString("user"));
        }
        userSalt = c.getString("userSalt", "");
        maxBytes = (int) number(c, "maxBytes", DEFAULT_MAX_BYTES, 1024, Integer.MAX_VALUE - 64);
        maxTokens = (int) number(c, "maxTokens", DEFAULT_MAX_TOKENS, 1, 1 << 20);
        statusHeader = text(c, "statusHeaderName", SpamGptClassifier.STATUS_HEADER);
        modelHeader = text(c, "modelHeaderName", SpamGptClassifier.MODEL_HEADER);
        queueCapacity = (int) number(c, "queueCapacity", 1000, 1, 1 << 20);
        retries = (int) number(c, "retries", 5, 0, 100);
        retryBackoffMillis = number(c, "retryBackoffMillis", 1000, 1, 3_600_000);
        delayMillis = number(c, "delayMillis", 200, 0, 60_000);
        maxDelayMillis = number(c, "maxDelayMillis", 10_000, 0, 3_600_000);
        implicitHamAfter = duration(c, "implicitHamAfter", null);
        implicitHamEvery = duration(c, "implicitHamEvery", Duration.ofHours(1));
        implicitHamState = text(c, "implicitHamState", "var/spamgpt-implicit-ham.state");
        if (spamMailbox.equalsIgnoreCase(trashMailbox)) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <spamMailbox> and <trashMailbox> must differ");
        }
    }

    static FeedbackSettings from(HierarchicalConfiguration<ImmutableNode> configuration) {
        return new FeedbackSettings(configuration);
    }

    boolean isKafka() {
        return FeedbackStores.isKafka(store);
    }

    /** The user as a report names them: as given, or as a salted SHA-256 of the lower-case name. */
    String user(String username) {
        String name = username.toLowerCase(Locale.ROOT);
        if (userMode == UserMode.KEEP) {
            return name;
        }
        return "sha256:" + Sha256.ofBytes((userSalt + name).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(
            HierarchicalConfiguration<ImmutableNode> c, String key, String defaultValue) {
        String value = c.getString(key, defaultValue);
        if (value == null || value.trim().isEmpty()) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <" + key + "> must not be empty");
        }
        return value.trim();
    }

    /** An ISO-8601 duration such as P7D or PT1H, positive; {@code defaultValue} when absent. */
    private static Duration duration(
            HierarchicalConfiguration<ImmutableNode> c, String key, Duration defaultValue) {
        String raw = c.getString(key);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        Duration value;
        try {
            value = Duration.parse(raw.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <"
                            + key
                            + "> must be an ISO-8601 duration such as P7D or PT1H, got "
                            + raw);
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <" + key + "> must be positive, got " + raw);
        }
        return value;
    }

    private static long number(
            HierarchicalConfiguration<ImmutableNode> c,
            String key,
            long defaultValue,
            long min,
            long max) {
        String raw = c.getString(key);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <" + key + "> must be a whole number, got " + raw);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "SpamGPT feedback listener: <"
                            + key
                            + "> must be in ["
                            + min
                            + ", "
                            + max
                            + "], got "
                            + value);
        }
        return value;
    }

    /** {@code <kafka><acks>all</acks>...</kafka>}: extra client settings, dots written as dots. */
    private static Map<String, String> kafkaProperties(HierarchicalConfiguration<ImmutableNode> c) {
        Map<String, String> props = new LinkedHashMap<>();
        Iterator<String> keys = c.getKeys("kafka");
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.startsWith("kafka.")) {
                // The default expression engine writes a dot inside an element name as two dots.
                props.put(key.substring("kafka.".length()).replace("..", "."), c.getString(key));
            }
        }
        return props;
    }
}
