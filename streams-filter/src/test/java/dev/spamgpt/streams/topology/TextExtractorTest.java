package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextExtractorTest {

    private static TextExtractor extractor(ValueFormat format, int maxBytes) {
        return new TextExtractor(
                new FilterConfig(
                        "i", "s", "h", "d", format, "$.text", maxBytes, 1, Duration.ofMillis(10)));
    }

    @Test
    void shouldRejectTruncatedAndOverlongUtf8SequencesNamingTheByte() {
        TextExtractor text = extractor(ValueFormat.TEXT, 100);

        ExtractedText truncated =
                text.extract(null, new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82});
        ExtractedText overlong = text.extract(null, new byte[] {(byte) 0xC0, (byte) 0xAF});
        ExtractedText surrogate =
                text.extract(null, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});

        assertThat(truncated.reason()).isEqualTo(DeadLetterReason.INVALID_UTF8);
        assertThat(truncated.error()).isEqualTo("invalid UTF-8 at byte 2 of 4");
        assertThat(overlong.reason()).isEqualTo(DeadLetterReason.INVALID_UTF8);
        assertThat(surrogate.reason()).isEqualTo(DeadLetterReason.INVALID_UTF8);
    }

    @Test
    void shouldKeepNonAsciiTextAndDropAByteOrderMark() {
        byte[] value = "\uFEFFgrüße 👋".getBytes(StandardCharsets.UTF_8);

        ExtractedText extraction = extractor(ValueFormat.TEXT, 100).extract(null, value);

        assertThat(extraction.ok()).isTrue();
        assertThat(extraction.text()).isEqualTo("grüße 👋");
    }

    @Test
    void shouldCountKeyValueAndHeadersAgainstTheLimit() {
        TextExtractor small = extractor(ValueFormat.TEXT, 10);
        org.apache.kafka.common.header.Headers headers =
                new org.apache.kafka.common.header.internals.RecordHeaders()
                        .add("abc", new byte[3]);

        assertThat(small.extract(new byte[5], "12345".getBytes(StandardCharsets.UTF_8)).ok())
                .isTrue();
        ExtractedText over = small.extract(new byte[5], "123456".getBytes(StandardCharsets.UTF_8));
        assertThat(over.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(over.error())
                .isEqualTo("record is 11 bytes (key 5, value 6, headers 0), the limit is 10");
        assertThat(small.extract(new byte[2], "12".getBytes(StandardCharsets.UTF_8), headers).ok())
                .isTrue();
        ExtractedText headersOver =
                small.extract(new byte[2], "1234".getBytes(StandardCharsets.UTF_8), headers);
        assertThat(headersOver.reason()).isEqualTo(DeadLetterReason.TOO_LARGE);
        assertThat(headersOver.error())
                .isEqualTo("record is 12 bytes (key 2, value 4, headers 6), the limit is 10");
    }

    @Test
    void shouldRejectJsonWithTrailingContentOrInvalidUtf8() {
        TextExtractor json = extractor(ValueFormat.JSON, 100);

        assertThat(
                        json.extract(null, "{\"text\": \"a\"} {}".getBytes(StandardCharsets.UTF_8))
                                .reason())
                .isEqualTo(DeadLetterReason.INVALID_JSON);
        assertThat(json.extract(null, new byte[] {'{', '"', (byte) 0xFF, '"', '}'}).reason())
                .isEqualTo(DeadLetterReason.INVALID_UTF8);
        assertThat(
                        json.extract(null, "{\"text\": \"  \"}".getBytes(StandardCharsets.UTF_8))
                                .reason())
                .isEqualTo(DeadLetterReason.EMPTY_TEXT);
        assertThat(json.extract(null, "{\"text\": null}".getBytes(StandardCharsets.UTF_8)).reason())
                .isEqualTo(DeadLetterReason.MISSING_FIELD);
    }
}
