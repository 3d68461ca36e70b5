package dev.spamgpt.core.feedback;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a user's move teaches: into Spam is {@link #SPAM}, out of Spam is {@link #HAM}. */
public enum FeedbackLabel {
    HAM,
    SPAM;

    /**
     * @return {@code ham} or {@code spam}, as written in reports and data sets
     */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code ham} or {@code spam}, any case
     * @return the label
     * @throws IllegalArgumentException for any other name
     */
    @JsonCreator
    public static FeedbackLabel parse(String name) {
        for (FeedbackLabel label : values()) {
            if (label.wireName().equalsIgnoreCase(name)) {
                return label;
            }
        }
        throw new IllegalArgumentException("not a feedback label: " + name + " (ham or spam)");
    }
}
