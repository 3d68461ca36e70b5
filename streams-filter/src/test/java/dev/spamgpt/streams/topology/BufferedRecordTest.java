package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

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
        BufferedRecord record = new BufferedRecord("in", 7, 123_456_789_012L, 1_700_000_000_000L, null,
                "hello".getBytes(StandardCharsets.UTF_8), headers);
        Serde<BufferedRecord> serde = BufferedRecord.serde();

        BufferedRecord back = serde.deserializer().deserialize("x", serde.serializer().serialize("x", record));

        assertThat(back.topic()).isEqualTo("in");
        assertThat(back.partition()).isEqualTo(7);
        assertThat(back.offset()).isEqualTo(123_456_789_012L);
        assertThat(back.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(back.key()).isNull();
        assertThat(back.value()).isEqualTo(record.value());
        assertThat(back.headers().toArray()).hasSize(2);
        assertThat(back.headers().lastHeader("trace").value()).isEqualTo("t-1".getBytes(StandardCharsets.UTF_8));
        assertThat(back.headers().lastHeader("empty").value()).isNull();
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
