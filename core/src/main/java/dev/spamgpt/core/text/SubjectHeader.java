package dev.spamgpt.core.text;

import java.io.IOException;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * The one header whose text the model sees: the Subject, cut to {@link #MAX_HEADER_CHARS}, unfolded
 * and with its encoded words decoded.
 */
final class SubjectHeader {

    /** The most characters of the Subject read: it is cut there before it is unfolded. */
    static final int MAX_HEADER_CHARS = 16_384;

    private SubjectHeader() {}

    /** Returns the decoded Subject of a message, or "" when it has none or it is unreadable. */
    static String read(MimeMessage message, Extraction extraction) {
        String raw;
        try {
            raw = message.getHeader("Subject", null);
        } catch (MessagingException | RuntimeException e) {
            extraction.problem("unreadable Subject header: " + e.getMessage());
            return "";
        }
        if (raw == null) {
            return "";
        }
        if (raw.length() > MAX_HEADER_CHARS) {
            int end = MAX_HEADER_CHARS;
            if (Character.isHighSurrogate(raw.charAt(end - 1))) {
                end--;
            }
            raw = raw.substring(0, end);
            extraction.markTruncated(true);
            extraction.problem(
                    "Subject longer than " + MAX_HEADER_CHARS + " characters; cut there");
        }
        String unfolded = unfold(raw);
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (IOException | RuntimeException e) {
            extraction.problem("undecodable Subject (" + e.getMessage() + "); kept as is");
            return unfolded;
        }
    }

    /**
     * Unfolds a header value as {@link MimeUtility#unfold} does (a line break followed by a blank
     * is removed, the blank kept; a backslash before a line break escapes it), in one pass: that
     * one copies the rest of the value at every line break.
     */
    static String unfold(String value) {
        int n = value.length();
        StringBuilder out = new StringBuilder(n);
        // True when nothing was appended since the last line break.
        boolean lineStart = true;
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                out.append(c);
                lineStart = false;
                i++;
                continue;
            }
            int end = i + 1;
            if (c == '\r' && end < n && value.charAt(end) == '\n') {
                end++;
            }
            if (!lineStart && value.charAt(i - 1) == '\\') {
                out.setLength(out.length() - 1);
                out.append(value, i, end);
            } else if (end >= n || (value.charAt(end) != ' ' && value.charAt(end) != '\t')) {
                out.append(value, i, end);
            }
            lineStart = true;
            i = end;
        }
        return out.toString();
    }
}
