package dev.spamgpt.streams.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.core.util.Failures;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import dev.spamgpt.streams.deadletter.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;

/**
 * Reads the text to classify out of a record, or says why it cannot. The checks run cheapest first:
 * size, null, UTF-8, then the format. Never throws for a record's content: whatever the format's
 * parser throws (a {@code StackOverflowError} included) becomes an {@link
 * DeadLetterReason#EXTRACTION_FAILURE}; only {@link Failures#isFatal fatal} errors pass.
 * Thread-safe.
 */
public final class TextExtractor {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ValueFormat format;
    private final JsonTextPath jsonPath;
    private final MessageText.Limits mimeLimits;
    private final int maxRecordBytes;

    /**
     * Creates an extractor for a filter configuration.
     *
     * @param config the format, JSON path and size limit
     */
    public TextExtractor(FilterConfig config) {
        this.format = config.valueFormat();
        this.jsonPath = format == ValueFormat.JSON ? JsonTextPath.compile(config.jsonPath()) : null;
        // Records that passed the size limit are parsed whole.
        this.mimeLimits = MessageText.Limits.defaults().withMaxBytes(config.maxRecordBytes());
        this.maxRecordBytes = config.maxRecordBytes();
    }

    /**
     * Extracts the text of one record.
     *
     * @param key the key bytes, may be null
     * @param value the value bytes, may be null
     * @return the text, or the dead-letter reason
     */
    public ExtractedText extract(byte[] key, byte[] value) {
        return extract(key, value, null);
    }

    /**
     * Extracts the text of one record; its headers count against the size limit.
     *
     * @param key the key bytes, may be null
     * @param value the value bytes, may be null
     * @param headers the record's headers, may be null
     * @return the text, or the dead-letter reason
     */
    public ExtractedText extract(byte[] key, byte[] value, Headers headers) {
        long headerBytes = SpamHeaders.sizeOf(headers);
        long size = (long) length(key) + length(value) + headerBytes;
        if (size > maxRecordBytes) {
            return ExtractedText.rejected(
                    DeadLetterReason.TOO_LARGE,
                    "record is "
                            + size
                            + " bytes (key "
                            + length(key)
                            + ", value "
                            + length(value)
                            + ", headers "
                            + headerBytes
                            + "), the limit is "
                            + maxRecordBytes);
        }
        if (value == null) {
            return ExtractedText.rejected(DeadLetterReason.EMPTY_TEXT, "record value is null");
        }
        try {
            return switch (format) {
                case TEXT -> fromText(value);
                case JSON -> fromJson(value);
                case EMAIL -> fromMime(value);
            };
        } catch (Throwable e) {
            Failures.requireNonFatal(e);
            return ExtractedText.rejected(DeadLetterReason.EXTRACTION_FAILURE, describeFailure(e));
        }
    }

    private static String describeFailure(Throwable e) {
        if (e instanceof StackOverflowError) {
            return "StackOverflowError while reading the text: the value is nested or encoded too"
                    + " deeply";
        }
        return "reading the text failed: " + DeadLetters.describe(e);
    }

    private static ExtractedText fromText(byte[] value) {
        String text;
        try {
            text = decodeUtf8(value);
        } catch (MalformedUtf8Exception e) {
            return ExtractedText.rejected(DeadLetterReason.INVALID_UTF8, e.getMessage());
        }
        return nonBlank(text);
    }

    private ExtractedText fromJson(byte[] value) {
        String document;
        try {
            document = decodeUtf8(value);
        } catch (MalformedUtf8Exception e) {
            return ExtractedText.rejected(DeadLetterReason.INVALID_UTF8, e.getMessage());
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            return ExtractedText.rejected(
                    DeadLetterReason.INVALID_JSON, firstLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return ExtractedText.rejected(
                    DeadLetterReason.INVALID_JSON, "no JSON document in the value");
        }
        JsonNode field = jsonPath.find(root);
        if (field.isMissingNode() || field.isNull()) {
            return ExtractedText.rejected(
                    DeadLetterReason.MISSING_FIELD, "no field at " + jsonPath);
        }
        if (!field.isTextual()) {
            return ExtractedText.rejected(
                    DeadLetterReason.MISSING_FIELD,
                    "field at "
                            + jsonPath
                            + " is "
                            + field.getNodeType().name().toLowerCase(Locale.ROOT)
                            + ", not a string");
        }
        return nonBlank(field.textValue());
    }

    /**
     * The {@code email} format: a raw RFC 822 message through {@link MessageText}, the same
     * extraction the trainer and the James mailet use, so a mail scores the same everywhere.
     * MessageText is lenient (bad MIME or charsets give whatever text can be read, plus problems);
     * a message without any readable text is dead-lettered with those problems as the error.
     */
    private ExtractedText fromMime(byte[] value) {
        MessageText.Result result = MessageText.fromMime(value, mimeLimits);
        if (!result.hasText()) {
            String why =
                    result.problems().isEmpty()
                            ? "no readable text in the message"
                            : "no readable text in the message: "
                                    + String.join("; ", result.problems());
            return ExtractedText.rejected(DeadLetterReason.EMPTY_TEXT, why);
        }
        return ExtractedText.text(result.text());
    }

    private static ExtractedText nonBlank(String text) {
        if (text.isBlank()) {
            return ExtractedText.rejected(DeadLetterReason.EMPTY_TEXT, "text is empty or blank");
        }
        return ExtractedText.text(text);
    }

    /**
     * Decodes UTF-8 strictly: malformed or truncated sequences are an error, never U+FFFD. A
     * leading byte-order mark is dropped.
     *
     * @param bytes the bytes
     * @return the text
     * @throws MalformedUtf8Exception with the byte offset of the first bad sequence
     */
    static String decodeUtf8(byte[] bytes) throws MalformedUtf8Exception {
        CharsetDecoder decoder =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new MalformedUtf8Exception(
                    "invalid UTF-8 at byte " + in.position() + " of " + bytes.length);
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Thrown for bytes that are not well-formed UTF-8. */
    static final class MalformedUtf8Exception extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedUtf8Exception(String message) {
            super(message);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
