package dev.spamgpt.core.text;

/**
 * Looks at the first bytes of a raw input to tell a message from a bare body: an mbox {@code From }
 * line is skipped, and what follows must start like a header block.
 */
final class HeaderSniffing {

    private HeaderSniffing() {}

    /** Offset just past a leading mbox "From " separator line, or 0. */
    static int skipMboxFromLine(byte[] bytes, int length) {
        if (length < 5
                || bytes[0] != 'F'
                || bytes[1] != 'r'
                || bytes[2] != 'o'
                || bytes[3] != 'm'
                || bytes[4] != ' ') {
            return 0;
        }
        for (int i = 5; i < length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }

    /**
     * Tells whether the input starts like a message: a header field name and a colon, or an empty
     * line (a message with no headers at all).
     */
    static boolean startsWithHeader(byte[] bytes, int start, int length) {
        if (start < length && (bytes[start] == '\r' || bytes[start] == '\n')) {
            return true;
        }
        for (int i = start; i < length; i++) {
            byte b = bytes[i];
            if (b == ':') {
                return i > start;
            }
            // RFC 5322 field names are printable ASCII other than the colon.
            if (b < 33 || b > 126) {
                return false;
            }
        }
        return false;
    }
}
