package dev.spamgpt.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A byte buffer that keeps at most {@code limit} bytes and remembers whether more came. It is what
 * bounds the memory one message can take, and its overflow is what marks a result as truncated.
 */
final class BoundedBuffer {

    private static final int READ_CHUNK = 8192;

    private final int limit;
    private byte[] bytes = new byte[256];
    private int size;
    private boolean overflowed;

    BoundedBuffer(long limit) {
        this.limit = (int) limit;
    }

    void readFrom(InputStream in) throws IOException {
        byte[] chunk = new byte[READ_CHUNK];
        while (!overflowed) {
            // Read one byte past the limit to learn whether the input goes on.
            int want = (int) Math.min(chunk.length, (long) limit - size + 1);
            int n = in.read(chunk, 0, want);
            if (n < 0) {
                return;
            }
            write(chunk, 0, n);
        }
    }

    void write(byte[] data) {
        write(data, 0, data.length);
    }

    void write(byte[] data, int offset, int length) {
        int room = limit - size;
        if (length > room) {
            overflowed = true;
            length = Math.max(0, room);
        }
        if (size + length > bytes.length) {
            bytes =
                    Arrays.copyOf(
                            bytes,
                            (int)
                                    Math.min(
                                            limit,
                                            Math.max((long) size + length, 2L * bytes.length)));
        }
        System.arraycopy(data, offset, bytes, size, length);
        size += length;
    }

    boolean overflowed() {
        return overflowed;
    }

    int size() {
        return size;
    }

    byte[] bytes() {
        return bytes;
    }
}
