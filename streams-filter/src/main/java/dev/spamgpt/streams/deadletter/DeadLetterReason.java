package dev.spamgpt.streams.deadletter;

/**
 * Why a record went to the dead-letter topic; {@link #code()} is the {@code spam.dlq.reason} value.
 */
public enum DeadLetterReason {
    /** The value is not valid UTF-8 (strict decoding). */
    INVALID_UTF8("invalid-utf8"),
    /** The value is not a JSON document ({@code json} format). */
    INVALID_JSON("invalid-json"),
    /** The JSON document has no string at the configured path. */
    MISSING_FIELD("missing-field"),
    /**
     * Key, value and headers are over the size limit; the dead letter does not carry the value, and
     * only those headers that fit.
     */
    TOO_LARGE("too-large"),
    /** The value is null, or its text is empty or blank. */
    EMPTY_TEXT("empty-text"),
    /**
     * Reading the text threw, for example a {@code StackOverflowError} on a deeply encoded mail:
     * the failure is this record's, and the next one is processed.
     */
    EXTRACTION_FAILURE("extraction-failure"),
    /** The classifier failed on this record, also when scored on its own. */
    CLASSIFIER_FAILURE("classifier-failure"),
    /** The classifier call that held this record did not return within the classifier timeout. */
    CLASSIFIER_TIMEOUT("classifier-timeout"),
    /** Kafka Streams' processing exception handler caught an unexpected error for this record. */
    PROCESSING_ERROR("processing-error"),
    /** Kafka Streams' deserialization exception handler caught an error for this record. */
    DESERIALIZATION_ERROR("deserialization-error"),
    /** Kafka Streams' production exception handler caught an error writing this record. */
    PRODUCTION_ERROR("production-error");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /**
     * Returns the header and metric tag value.
     *
     * @return a lower-case, dash-separated code
     */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return code;
    }
}
