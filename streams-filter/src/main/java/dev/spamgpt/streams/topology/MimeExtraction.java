package dev.spamgpt.streams.topology;

import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.streams.deadletter.DeadLetterReason;

/**
 * The {@code email} value format: a raw RFC 822 message through {@link MessageText}, the same
 * extraction the trainer and the James mailet use, so a mail scores the same everywhere.
 * MessageText is lenient (bad MIME or charsets give whatever text can be read, plus problems); a
 * message without any readable text is dead-lettered with those problems as the error.
 */
final class MimeExtraction {

    private final MessageText.Limits limits;

    /**
     * @param maxRecordBytes the filter's size limit: records that passed it are parsed whole
     */
    MimeExtraction(int maxRecordBytes) {
        this.limits = MessageText.Limits.defaults().withMaxBytes(maxRecordBytes);
    }

    Extraction extract(byte[] value) {
        MessageText.Result result = MessageText.fromMime(value, limits);
        if (!result.hasText()) {
            String why = result.problems().isEmpty() ? "no readable text in the message"
                    : "no readable text in the message: " + String.join("; ", result.problems());
            return Extraction.rejected(DeadLetterReason.EMPTY_TEXT, why);
        }
        return Extraction.text(result.text());
    }
}
