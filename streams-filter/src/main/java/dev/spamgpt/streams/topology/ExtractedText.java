package dev.spamgpt.streams.topology;

import dev.spamgpt.streams.deadletter.DeadLetterReason;

/**
 * The outcome of reading the text out of one record: the text, or why there is none.
 *
 * @param text the text to classify, or {@code null} when rejected
 * @param reason why the record is rejected, or {@code null} when it has text
 * @param error a one-line description of the rejection, or {@code null}
 */
public record ExtractedText(String text, DeadLetterReason reason, String error) {

    /**
     * A record with text.
     *
     * @param text non-blank text
     * @return the extraction
     */
    public static ExtractedText text(String text) {
        return new ExtractedText(text, null, null);
    }

    /**
     * A record without usable text.
     *
     * @param reason the dead-letter reason
     * @param error what went wrong
     * @return the extraction
     */
    public static ExtractedText rejected(DeadLetterReason reason, String error) {
        return new ExtractedText(null, reason, error);
    }

    /** Returns whether there is text to classify. */
    public boolean ok() {
        return reason == null;
    }
}
