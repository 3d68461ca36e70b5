package dev.spamgpt.core.text;

import java.util.Arrays;

/**
 * A base64 decoder that never gives up: characters outside the alphabet are skipped, padding ends a
 * group, and a dangling partial group at the end (a cut message) is dropped.
 *
 * <p>Damaged base64 is common in spam and in messages cut at the byte limit; the text that did
 * decode is still worth scoring.
 */
final class Base64Lenient {
    private static final int[] VALUES = new int[256];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    static DecodedBytes decode(byte[] in) {
        byte[] out = new byte[in.length / 4 * 3 + 3];
        int size = 0;
        int bits = 0;
        int count = 0;
        boolean damaged = false;
        for (byte b : in) {
            int c = b & 0xFF;
            int value = VALUES[c];
            if (value >= 0) {
                bits = (bits << 6) | value;
                if (++count == 4) {
                    out[size++] = (byte) (bits >> 16);
                    out[size++] = (byte) (bits >> 8);
                    out[size++] = (byte) bits;
                    bits = 0;
                    count = 0;
                }
            } else if (c == '=') {
                size = flush(out, size, bits, count);
                damaged |= count == 1;
                bits = 0;
                count = 0;
            } else if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                damaged = true;
            }
        }
        if (count != 0) {
            // Missing padding, or the data was cut off mid-group.
            damaged = true;
            size = flush(out, size, bits, count);
        }
        return new DecodedBytes(Arrays.copyOf(out, size), damaged);
    }

    /** Emits the whole bytes held by a partial group of 2 or 3 characters. */
    private static int flush(byte[] out, int size, int bits, int count) {
        if (count == 2) {
            out[size++] = (byte) (bits >> 4);
        } else if (count == 3) {
            out[size++] = (byte) (bits >> 10);
            out[size++] = (byte) (bits >> 2);
        }
        return size;
    }
}
