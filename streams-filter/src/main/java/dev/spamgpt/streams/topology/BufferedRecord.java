package dev.spamgpt.streams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;

/**
 * An input record waiting in the micro-batch buffer, with where it came from. It is stored in the
 * buffer's state store so that a crash between a commit and the next flush loses nothing.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param timestamp record timestamp
 * @param key key bytes, may be null
 * @param value value bytes
 * @param headers the record's headers, as read
 */
public record BufferedRecord(
        String topic,
        int partition,
        long offset,
        long timestamp,
        byte[] key,
        byte[] value,
        Headers headers) {

    private static final byte FORMAT = 1;

    /** The stored length of a null field; any other negative length is corruption. */
    private static final int NULL_LENGTH = -1;

    /**
     * Returns the store key: partition then offset, big-endian, so that iteration runs in input
     * order (both are non-negative, so byte order is numeric order).
     *
     * @return twelve bytes
     */
    public Bytes storeKey() {
        return storeKey(partition, offset);
    }

    static Bytes storeKey(int partition, long offset) {
        return Bytes.wrap(ByteBuffer.allocate(12).putInt(partition).putLong(offset).array());
    }

    /**
     * Returns the serde of the buffer store's values.
     *
     * @return a serde for this record type
     */
    public static Serde<BufferedRecord> serde() {
        return Serdes.serdeFrom(new RecordSerializer(), new RecordDeserializer());
    }

    private static final class RecordSerializer implements Serializer<BufferedRecord> {
        @Override
        public byte[] serialize(String topic, BufferedRecord r) {
            if (r == null) {
                return null;
            }
            byte[] source = r.topic().getBytes(StandardCharsets.UTF_8);
            Header[] headers = r.headers().toArray();
            int size =
                    1 + 4 + 8 + 8 + 4 + source.length + 4 + len(r.key()) + 4 + len(r.value()) + 4;
            List<byte[]> names = new ArrayList<>(headers.length);
            for (Header h : headers) {
                byte[] name = h.key().getBytes(StandardCharsets.UTF_8);
                names.add(name);
                size += 4 + name.length + 4 + len(h.value());
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.put(FORMAT).putInt(r.partition()).putLong(r.offset()).putLong(r.timestamp());
            putBytes(out, source);
            putBytes(out, r.key());
            putBytes(out, r.value());
            out.putInt(headers.length);
            for (int i = 0; i < headers.length; i++) {
                putBytes(out, names.get(i));
                putBytes(out, headers[i].value());
            }
            return out.array();
        }
    }

    private static final class RecordDeserializer implements Deserializer<BufferedRecord> {
        @Override
        public BufferedRecord deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data);
                byte format = in.get();
                if (format != FORMAT) {
                    throw new SerializationException("unknown buffered record format " + format);
                }
                int partition = in.getInt();
                long offset = in.getLong();
                long timestamp = in.getLong();
                String source =
                        new String(
                                requireNonNull(getBytes(in, "source topic"), "source topic"),
                                StandardCharsets.UTF_8);
                byte[] key = getBytes(in, "key");
                byte[] value = getBytes(in, "value");
                int count = in.getInt();
                // Each header takes at least its two length fields.
                if (count < 0 || count > in.remaining() / 8) {
                    throw corrupt(
                            "header count "
                                    + count
                                    + " does not fit in the "
                                    + in.remaining()
                                    + " bytes left");
                }
                Headers headers = new RecordHeaders();
                for (int i = 0; i < count; i++) {
                    String name =
                            new String(
                                    requireNonNull(getBytes(in, "header name"), "header name"),
                                    StandardCharsets.UTF_8);
                    headers.add(name, getBytes(in, "header value"));
                }
                if (in.hasRemaining()) {
                    throw corrupt(in.remaining() + " bytes after the last header");
                }
                return new BufferedRecord(
                        source, partition, offset, timestamp, key, value, headers);
            } catch (SerializationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SerializationException(
                        "corrupt buffered record in the state store: " + e, e);
            }
        }
    }

    private static int len(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(NULL_LENGTH);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    /** Reads a length-prefixed field; the length is checked before anything is allocated. */
    private static byte[] getBytes(ByteBuffer in, String field) {
        int length = in.getInt();
        if (length == NULL_LENGTH) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw corrupt(
                    field
                            + " length "
                            + length
                            + " is not in [0, "
                            + in.remaining()
                            + "] (the bytes left)");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] requireNonNull(byte[] bytes, String field) {
        if (bytes == null) {
            throw corrupt(field + " is null");
        }
        return bytes;
    }

    private static SerializationException corrupt(String why) {
        return new SerializationException("corrupt buffered record in the state store: " + why);
    }
}
