package dev.spamgpt.streams.topology;

/** Why a record went to the dead-letter topic; {@link #code()} is the {@code spam.dlq.reason} value. */
public enum DeadLetterReason {
    /** The value is not valid UTF-8 (strict decoding). */
    INVALID_UTF8("invalid-utf8"),
    /** The value is not a JSON document ({@code json} format). */
    INVALID_JSON("invalid-json"),
    /** The JSON document has no string at the configured path. */
    MISSING_FIELD("missing-field"),
    /** Key plus value are over the size limit; the dead letter does not carry the value. */
    TOO_LARGE("too-large"),
    /** The value is null, or its text is empty or blank. */
    EMPTY_TEXT("empty-text"),
    /** The classifier failed on this record, also when scored on its own. */
    CLASSIFIER_FAILURE("classifier-failure"),
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
