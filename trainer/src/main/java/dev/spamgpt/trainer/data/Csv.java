package dev.spamgpt.trainer.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: fields separated by a delimiter, a field in double quotes may hold delimiters, line
 * breaks and doubled quotes. Records end with LF or CRLF.
 *
 * <p>A record may be at most a limit of characters long (quotes and quoted line breaks count). A
 * longer one, such as a quote that is never closed, is given as an error row without fields, and
 * parsing resumes after the first line break that follows the limit, outside quotes. So an open
 * quote costs the records up to the limit, and the rows after it are read again.
 */
final class Csv {

    private Csv() {}

    /** One record and the line it starts on; {@code error} is set for an unusable record. */
    record Row(long line, List<String> fields, String error) {}

    /**
     * Quotes a field if it needs it: it holds the delimiter, a quote, a line break, or leading or
     * trailing spaces (which some readers would trim).
     */
    static String quote(String field, char delimiter) {
        boolean needs =
                field.isEmpty()
                        ? false
                        : Character.isWhitespace(field.charAt(0))
                                || Character.isWhitespace(field.charAt(field.length() - 1));
        for (int i = 0; i < field.length() && !needs; i++) {
            char c = field.charAt(i);
            needs = c == delimiter || c == '"' || c == '\n' || c == '\r';
        }
        return needs ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

    /** Reads records one at a time; the caller closes the underlying reader. */
    static final class Parser {
        private final Reader in;
        private final char delimiter;
        private final int maxChars;
        private long line = 1;
        private int peeked = -2;
        private long recordChars;

        Parser(Reader in, char delimiter) {
            this(in, delimiter, Integer.MAX_VALUE);
        }

        Parser(Reader in, char delimiter, int maxChars) {
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
            }
            this.in = in;
            this.delimiter = delimiter;
            this.maxChars = maxChars;
        }

        /** Returns the next record, or null at the end of the input. */
        Row next() throws IOException {
            int c = read();
            if (c == -1) {
                return null;
            }
            long start = line;
            recordChars = 1;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean afterQuote = false;
            String error = null;
            while (true) {
                if (quoted) {
                    if (c == -1) {
                        error = "a quoted field is never closed";
                        fields.add(field.toString());
                        return new Row(start, fields, error);
                    }
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            afterQuote = true;
                            c = d;
                            continue;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == -1 || c == '\n' || c == '\r') {
                    endLine(c);
                    fields.add(field.toString());
                    return new Row(start, fields, error);
                } else if (c == delimiter) {
                    fields.add(field.toString());
                    field.setLength(0);
                    afterQuote = false;
                } else if (c == '"' && field.length() == 0 && !afterQuote) {
                    quoted = true;
                } else {
                    if (afterQuote && error == null) {
                        error = "text after a closing quote";
                    }
                    field.append((char) c);
                }
                c = read();
                if (recordChars > maxChars && c != -1) {
                    skipLine(c);
                    return new Row(start, List.of(), ReadResult.tooLong(maxChars));
                }
            }
        }

        /** Drops the input up to and including the next line break (LF, CR or CRLF). */
        private void skipLine(int c) throws IOException {
            while (c != -1 && c != '\n' && c != '\r') {
                c = read();
            }
            endLine(c);
        }

        /**
         * Counts the line break {@code c} (LF, CR or CRLF, whose LF is read here), or nothing at
         * the end.
         */
        private void endLine(int c) throws IOException {
            if (c == '\r') {
                int d = read();
                if (d != '\n') {
                    unread(d);
                }
            }
            if (c != -1) {
                line++;
            }
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int c = peeked;
                peeked = -2;
                return c;
            }
            recordChars++;
            return in.read();
        }

        private void unread(int c) {
            peeked = c;
        }
    }
}
