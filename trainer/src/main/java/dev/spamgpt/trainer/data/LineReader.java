package dev.spamgpt.trainer.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@link java.io.BufferedReader#readLine()} (ending at LF, CR or CRLF), but keeps
 * at most a limit of characters of each: the rest of a longer line is read and dropped, so one huge
 * line costs time, never memory.
 */
final class LineReader implements Closeable {

    /** One line: its 1-based number and its first {@code max} characters. */
    record Line(long number, String text, boolean tooLong) {}

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[1 << 14];
    private int position;
    private int limit;
    private long number;

    LineReader(Reader in, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
        }
        this.in = in;
        this.maxChars = maxChars;
    }

    /** Returns the next line, or null at the end of the input. */
    Line next() throws IOException {
        if (!fill()) {
            return null;
        }
        number++;
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        while (fill()) {
            int start = position;
            while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            int room = maxChars - line.length();
            int run = position - start;
            if (run > room) {
                tooLong = true;
            }
            line.append(buffer, start, Math.min(run, Math.max(room, 0)));
            if (position < limit) {
                char end = buffer[position++];
                if (end == '\r' && fill() && buffer[position] == '\n') {
                    position++;
                }
                break;
            }
        }
        return new Line(number, line.toString(), tooLong);
    }

    private boolean fill() throws IOException {
        while (position >= limit) {
            int n = in.read(buffer);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
