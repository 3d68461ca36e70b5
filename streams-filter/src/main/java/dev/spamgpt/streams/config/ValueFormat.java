package dev.spamgpt.streams.config;

import java.util.Locale;

/** How the text to classify is found in a record value. */
public enum ValueFormat {
    /** The whole value is UTF-8 text. */
    TEXT,
    /** The value is a UTF-8 JSON document; the text is the string at a configured path. */
    JSON,
    /** The value is a raw RFC 822 message; the text comes from the shared MIME extraction. */
    EMAIL;

    /**
     * Parses a format name, in any case.
     *
     * @param name {@code text}, {@code json} or {@code email}
     * @return the format
     * @throws IllegalArgumentException for any other name
     */
    public static ValueFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown value format '" + name + "' (expected text, json or email)", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
