package dev.spamgpt.streams.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Names of the headers that the filter writes. Every value is UTF-8 text. */
public final class SpamHeaders {

    /** {@code spam} or {@code ham}. */
    public static final String LABEL = "spam.label";

    /** The spam probability, six decimals, for example {@code 0.973120}. */
    public static final String SCORE = "spam.score";

    /** The model id and version, as {@code SpamScorer.modelId()} gives it. */
    public static final String MODEL = "spam.model";

    /**
     * The shadow model's spam probability, six decimals; only with {@code --shadow-header}, and
     * only when the shadow answered in time.
     */
    public static final String SHADOW_SCORE = "spam.shadow.score";

    /**
     * Why a record was dead-lettered: one of the {@link
     * dev.spamgpt.streams.deadletter.DeadLetterReason} codes.
     */
    public static final String DLQ_REASON = "spam.dlq.reason";

    /** A one-line description of the error. */
    public static final String DLQ_ERROR = "spam.dlq.error";

    /** Topic the record was read from. */
    public static final String DLQ_SOURCE_TOPIC = "spam.dlq.source.topic";

    /** Partition the record was read from. */
    public static final String DLQ_SOURCE_PARTITION = "spam.dlq.source.partition";

    /** Offset the record was read at. */
    public static final String DLQ_SOURCE_OFFSET = "spam.dlq.source.offset";

    /**
     * Size in bytes of a value that the dead-letter record does not carry (records over the size
     * limit); the source coordinates point at the original.
     */
    public static final String DLQ_ORIGINAL_SIZE = "spam.dlq.original.size";

    /**
     * How many of the input record's headers a dead letter leaves out because they do not fit in
     * the size limit; only present when some were left out.
     */
    public static final String DLQ_DROPPED_HEADERS = "spam.dlq.dropped.headers";

    private static final String[] CLASSIFICATION = {LABEL, SCORE, MODEL, SHADOW_SCORE};
    private static final String[] DEAD_LETTER = {
        DLQ_REASON,
        DLQ_ERROR,
        DLQ_SOURCE_TOPIC,
        DLQ_SOURCE_PARTITION,
        DLQ_SOURCE_OFFSET,
        DLQ_ORIGINAL_SIZE,
        DLQ_DROPPED_HEADERS
    };

    private SpamHeaders() {}

    /**
     * Copies headers without any classification or dead-letter header already there, so that a
     * producer cannot pre-label its own records and a replayed record carries one set only.
     *
     * @param original headers of the input record
     * @return a new, mutable copy
     */
    public static Headers copyWithoutOurs(Headers original) {
        Headers copy = new RecordHeaders(original.toArray());
        for (String name : CLASSIFICATION) {
            copy.remove(name);
        }
        for (String name : DEAD_LETTER) {
            copy.remove(name);
        }
        return copy;
    }

    /**
     * Reads a header as UTF-8 text.
     *
     * @param headers the headers
     * @param name the header name
     * @return the last value, or {@code null}
     */
    public static String text(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Returns the bytes that headers add to a record, as the size limit counts them: each name in
     * UTF-8 plus each value.
     *
     * @param headers the headers, may be null
     * @return bytes
     */
    public static long sizeOf(Headers headers) {
        if (headers == null) {
            return 0;
        }
        long size = 0;
        for (Header header : headers) {
            size += sizeOf(header);
        }
        return size;
    }

    /**
     * Returns the bytes that one header adds to a record: its name in UTF-8 plus its value.
     *
     * @param header the header
     * @return bytes
     */
    public static long sizeOf(Header header) {
        return header.key().getBytes(StandardCharsets.UTF_8).length
                + (header.value() == null ? 0 : header.value().length);
    }

    /**
     * Adds a header with a UTF-8 text value.
     *
     * @param headers the headers to add to
     * @param name the header name
     * @param value the text
     */
    public static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
