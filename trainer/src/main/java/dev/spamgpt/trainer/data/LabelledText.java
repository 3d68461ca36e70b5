package dev.spamgpt.trainer.data;

import java.util.Locale;
import java.util.Objects;

/** One training example: a message text and its label, {@link #HAM} (0) or {@link #SPAM} (1). */
public final class LabelledText {

    /** The label of legitimate messages. */
    public static final int HAM = 0;

    /** The label of spam. */
    public static final int SPAM = 1;

    private final String text;
    private final int label;

    /**
     * Creates an example.
     *
     * @param text the message text, not null
     * @param label {@link #HAM} or {@link #SPAM}
     */
    public LabelledText(String text, int label) {
        if (label != HAM && label != SPAM) {
            throw new IllegalArgumentException("label must be 0 (ham) or 1 (spam), got " + label);
        }
        this.text = Objects.requireNonNull(text, "text");
        this.label = label;
    }

    /**
     * Returns the message text.
     *
     * @return the text
     */
    public String text() {
        return text;
    }

    /**
     * Returns the label: 0 for ham, 1 for spam.
     *
     * @return the label
     */
    public int label() {
        return label;
    }

    /**
     * Returns the name of a label.
     *
     * @param label 0 or 1
     * @return {@code ham} or {@code spam}
     */
    public static String name(int label) {
        return label == SPAM ? "spam" : "ham";
    }

    /**
     * Parses a label written as {@code ham}, {@code spam}, {@code 0} or {@code 1} (any case,
     * surrounding spaces ignored).
     *
     * @param value the written label, may be null
     * @return 0 or 1, or -1 if the value is not a label
     */
    public static int parseLabel(String value) {
        if (value == null) {
            return -1;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "ham":
            case "0":
                return HAM;
            case "spam":
            case "1":
                return SPAM;
            default:
                return -1;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledText other && label == other.label && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + label;
    }

    @Override
    public String toString() {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return name(label) + ": " + shown;
    }
}
