package dev.spamgpt.streams.deadletter;

import dev.spamgpt.streams.topology.SpamHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead letters: the original record with headers that say why and where it came from. Used
 * by the classify step and by the Kafka Streams exception handlers, so both write the same shape.
 */
public final class DeadLetters {

    /** Longest {@link SpamHeaders#DLQ_ERROR} value, in characters. */
    static final int MAX_ERROR_CHARS = 1000;

    private DeadLetters() {}

    /**
     * Returns the headers of a dead letter. The original headers are kept in order while they fit
     * in {@code headerBudget} bytes (as {@link SpamHeaders#sizeOf} counts them); the rest are left
     * out and counted in {@link SpamHeaders#DLQ_DROPPED_HEADERS}, so that headers that made a
     * record too large cannot make its dead letter too large as well.
     *
     * @param original the input record's headers (copied, without any {@code spam.*} header)
     * @param reason why
     * @param error a description of the error; shortened to one line of at most 1,000 characters
     * @param topic source topic, or null when unknown
     * @param partition source partition, or -1
     * @param offset source offset, or -1
     * @param droppedValueBytes size of a value the dead letter leaves out, or -1
     * @param headerBudget bytes of original headers the dead letter may carry
     * @return new headers
     */
    public static Headers headers(
            Headers original,
            DeadLetterReason reason,
            String error,
            String topic,
            int partition,
            long offset,
            long droppedValueBytes,
            long headerBudget) {
        Headers headers = new RecordHeaders();
        int dropped = 0;
        if (original != null) {
            long used = 0;
            for (Header header : SpamHeaders.copyWithoutOurs(original)) {
                long size = SpamHeaders.sizeOf(header);
                if (used + size <= headerBudget) {
                    headers.add(header);
                    used += size;
                } else {
                    dropped++;
                }
            }
        }
        SpamHeaders.put(headers, SpamHeaders.DLQ_REASON, reason.code());
        SpamHeaders.put(headers, SpamHeaders.DLQ_ERROR, oneLine(error));
        SpamHeaders.put(headers, SpamHeaders.DLQ_SOURCE_TOPIC, topic == null ? "" : topic);
        SpamHeaders.put(headers, SpamHeaders.DLQ_SOURCE_PARTITION, Integer.toString(partition));
        SpamHeaders.put(headers, SpamHeaders.DLQ_SOURCE_OFFSET, Long.toString(offset));
        if (droppedValueBytes >= 0) {
            SpamHeaders.put(
                    headers, SpamHeaders.DLQ_ORIGINAL_SIZE, Long.toString(droppedValueBytes));
        }
        if (dropped > 0) {
            SpamHeaders.put(headers, SpamHeaders.DLQ_DROPPED_HEADERS, Integer.toString(dropped));
        }
        return headers;
    }

    /**
     * Builds a dead letter for Kafka Streams' exception handlers. It stays within the size limit,
     * so that the dead letter itself can always be written: a key over the limit is left out, then
     * a value that does not fit beside the key, then the headers that do not fit beside both.
     *
     * @param dlqTopic the dead-letter topic
     * @param key raw key, may be null
     * @param value raw value, may be null
     * @param timestamp the record timestamp, or negative for none
     * @param original the record's headers, may be null
     * @param reason why
     * @param error the exception
     * @param topic source topic, or null
     * @param partition source partition, or -1
     * @param offset source offset, or -1
     * @param maxRecordBytes the filter's size limit
     * @return the record to send
     */
    public static ProducerRecord<byte[], byte[]> record(
            String dlqTopic,
            byte[] key,
            byte[] value,
            long timestamp,
            Headers original,
            DeadLetterReason reason,
            Throwable error,
            String topic,
            int partition,
            long offset,
            int maxRecordBytes) {
        byte[] keptKey = key != null && key.length > maxRecordBytes ? null : key;
        long keyBytes = keptKey == null ? 0 : keptKey.length;
        boolean dropValue = value != null && keyBytes + value.length > maxRecordBytes;
        byte[] keptValue = dropValue ? null : value;
        long budget = maxRecordBytes - keyBytes - (keptValue == null ? 0 : keptValue.length);
        Headers headers =
                headers(
                        original,
                        reason,
                        describe(error),
                        topic,
                        partition,
                        offset,
                        dropValue ? value.length : -1,
                        budget);
        return new ProducerRecord<>(
                dlqTopic, null, timestamp < 0 ? null : timestamp, keptKey, keptValue, headers);
    }

    /**
     * Describes an exception as {@code Class: message}, with the root cause when there is one.
     *
     * @param error the exception, may be null
     * @return the description
     */
    public static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (root != error) {
            text +=
                    " (caused by "
                            + root.getClass().getSimpleName()
                            + ": "
                            + root.getMessage()
                            + ")";
        }
        return text;
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replace('\r', ' ').replace('\n', ' ');
        return line.length() <= MAX_ERROR_CHARS
                ? line
                : line.substring(0, MAX_ERROR_CHARS - 3) + "...";
    }
}
