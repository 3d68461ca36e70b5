package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class BufferedRecordTest {

    @Test
    void shouldSurviveTheStoreSerdeWithNullsAndHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        headers.add("empty", null);
        BufferedRecord record =
                new BufferedRecord(
                        "in",
                        7,
                        123_456_789_012L,
                        1_700_000_000_000L,
                        null,
                        "hello".getBytes(StandardCharsets.UTF_8),
                        headers);
        Serde<BufferedRecord> serde = BufferedRecord.serde();

        BufferedRecord back =
                serde.deserializer().deserialize("x", serde.serializer().serialize("x", record));

        assertThat(back.topic()).isEqualTo("in");
        assertThat(back.partition()).isEqualTo(7);
        assertThat(back.offset()).isEqualTo(123_456_789_012L);
        assertThat(back.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(back.key()).isNull();
        assertThat(back.value()).isEqualTo(record.value());
        assertThat(back.headers().toArray()).hasSize(2);
        assertThat(back.headers().lastHeader("trace").value())
                .isEqualTo("t-1".getBytes(StandardCharsets.UTF_8));
        assertThat(back.headers().lastHeader("empty").value()).isNull();
    }

    @Test
    void shouldRejectAStoredLengthLongerThanTheBytesThatFollow() {
        byte[] stored = serialized();
        ByteBuffer.wrap(stored).putInt(valueLengthAt(stored), Integer.MAX_VALUE);

        assertThatThrownBy(() -> BufferedRecord.serde().deserializer().deserialize("x", stored))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt buffered record")
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE));
    }

    @Test
    void shouldRejectANegativeStoredLengthOtherThanTheNullMarker() {
        byte[] stored = serialized();
        ByteBuffer.wrap(stored).putInt(valueLengthAt(stored), -7);

        assertThatThrownBy(() -> BufferedRecord.serde().deserializer().deserialize("x", stored))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt buffered record")
                .hasMessageContaining("-7");
    }

    @Test
    void shouldRejectAHeaderCountThatCannotFitTheBytesThatFollow() {
        byte[] stored = serialized();
        // The header count is the last field before the headers: after the 5-byte value "hello".
        int countAt = valueLengthAt(stored) + 4 + 5;
        ByteBuffer.wrap(stored).putInt(countAt, Integer.MAX_VALUE);

        assertThatThrownBy(() -> BufferedRecord.serde().deserializer().deserialize("x", stored))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt buffered record")
                .hasMessageContaining("header");
    }

    @Test
    void shouldRejectTrailingBytes() {
        byte[] good = serialized();
        byte[] stored = java.util.Arrays.copyOf(good, good.length + 3);

        assertThatThrownBy(() -> BufferedRecord.serde().deserializer().deserialize("x", stored))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("corrupt buffered record");
    }

    private static byte[] serialized() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        BufferedRecord record =
                new BufferedRecord(
                        "in",
                        0,
                        5L,
                        1_700_000_000_000L,
                        null,
                        "hello".getBytes(StandardCharsets.UTF_8),
                        headers);
        return BufferedRecord.serde().serializer().serialize("x", record);
    }

    /** Format byte, partition, offset, timestamp, topic "in", null key: then the value's length. */
    private static int valueLengthAt(byte[] stored) {
        int topicLengthAt = 1 + 4 + 8 + 8;
        int topicLength = ByteBuffer.wrap(stored).getInt(topicLengthAt);
        int keyLengthAt = topicLengthAt + 4 + topicLength;
        assertThat(ByteBuffer.wrap(stored).getInt(keyLengthAt)).as("null key marker").isEqualTo(-1);
        return keyLengthAt + 4;
    }

    @Test
    void storeKeysShouldSortByPartitionThenOffset() {
        Bytes a = BufferedRecord.storeKey(0, 255);
        Bytes b = BufferedRecord.storeKey(0, 256);
        Bytes c = BufferedRecord.storeKey(1, 0);

        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(c)).isNegative();
    }
}
