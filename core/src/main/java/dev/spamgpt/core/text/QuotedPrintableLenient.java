package dev.spamgpt.core.text;

import java.util.Arrays;

/**
 * A quoted-printable decoder that never gives up and never recurses: one pass over the input, and
 * the output is never longer than the input. javax.mail's {@code QPDecoderStream} calls itself once
 * per soft line break, so a body made of soft breaks overflows the stack.
 *
 * <p>On malformed input, as most mail readers do:
 *
 * <ul>
 *   <li>{@code =} and two hex digits, in either case, is that byte;
 *   <li>{@code =}, optional spaces or tabs, then CRLF, LF or a lone CR is a soft line break and is
 *       removed; a {@code =} (and blanks) at the very end of the input is removed too;
 *   <li>any other {@code =} is kept as a literal {@code =}, the bytes after it are read as usual,
 *       and the input counts as damaged;
 *   <li>spaces and tabs that end a line are removed (RFC 2045: transports may add them);
 *   <li>every other byte, 8-bit or control, is kept as it is: 8-bit text mislabelled as
 *       quoted-printable is common and still readable.
 * </ul>
 */
final class QuotedPrintableLenient {

    private QuotedPrintableLenient() {}

    static DecodedBytes decode(byte[] in) {
        byte[] out = new byte[in.length];
        int size = 0;
        // Output length up to the last byte that is not a literal blank of the current line.
        int keep = 0;
        boolean damaged = false;
        int i = 0;
        while (i < in.length) {
            byte b = in[i];
            if (b == '=') {
                int high = i + 1 < in.length ? hex(in[i + 1]) : -1;
                int low = i + 2 < in.length ? hex(in[i + 2]) : -1;
                if (high >= 0 && low >= 0) {
                    out[size++] = (byte) (high << 4 | low);
                    keep = size;
                    i += 3;
                    continue;
                }
                int end = softBreakEnd(in, i + 1);
                if (end >= 0) {
                    // Blanks before the '=' were inside the line, not at its end.
                    keep = size;
                    i = end;
                    continue;
                }
                damaged = true;
                out[size++] = b;
                keep = size;
                i++;
            } else if (b == '\r' || b == '\n') {
                size = keep;
                out[size++] = b;
                keep = size;
                i++;
            } else if (b == ' ' || b == '\t') {
                out[size++] = b;
                i++;
            } else {
                out[size++] = b;
                keep = size;
                i++;
            }
        }
        return new DecodedBytes(Arrays.copyOf(out, keep), damaged);
    }

    /**
     * Returns the index just past a soft line break whose blanks start at {@code from}, or -1 if
     * what follows the '=' is not one.
     */
    private static int softBreakEnd(byte[] in, int from) {
        int j = from;
        while (j < in.length && (in[j] == ' ' || in[j] == '\t')) {
            j++;
        }
        if (j == in.length) {
            return j;
        }
        if (in[j] == '\r') {
            return j + 1 < in.length && in[j + 1] == '\n' ? j + 2 : j + 1;
        }
        return in[j] == '\n' ? j + 1 : -1;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }
}
