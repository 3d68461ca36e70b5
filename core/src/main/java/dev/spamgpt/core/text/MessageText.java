package dev.spamgpt.core.text;

import dev.spamgpt.core.util.Failures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * Turns an e-mail into the text the classifier sees: the Subject, a newline, then the text of the
 * message's readable parts. This is the one extraction that the trainer, the Kafka Streams filter
 * and the James mailet share, so a model scores mail exactly as it was trained on it.
 *
 * <ul>
 *   <li>In {@code multipart/alternative} the {@code text/plain} part wins; HTML is used only when
 *       there is no plain text, converted to text with jsoup (scripts and styles dropped).
 *   <li>Transfer encodings (base64, quoted-printable, uuencode) and charsets are decoded. An
 *       unknown charset or bytes invalid in their charset are decoded leniently (invalid bytes
 *       become U+FFFD) and recorded in {@link Result#problems()}.
 *   <li>Attachments (a {@code Content-Disposition: attachment} or a non-text type) are skipped;
 *       nested multiparts and attached {@code message/rfc822} mails are walked.
 *   <li>Nothing here throws on bad input: malformed MIME gives whatever text could be read, plus a
 *       problem description.
 *   <li>Bounded work: at most {@link Limits#maxBytes()} bytes of input are read, and at most {@link
 *       Limits#maxChars()} characters are returned; either cut sets {@link Result#truncated()}.
 * </ul>
 *
 * <p><b>One message's failure is that message's problem.</b> No entry point throws for anything a
 * message holds, not even a {@link StackOverflowError}: whatever goes wrong ends the extraction of
 * that message, which returns the text read so far (possibly none), marked {@linkplain
 * Result#truncated() truncated}, with the failure in {@link Result#problems()}. The one exception
 * is a {@link VirtualMachineError} other than a stack overflow, above all an {@link
 * OutOfMemoryError}: it tells that the JVM is in trouble rather than that the message is bad (the
 * memory one message can take is bounded, see below), so it is rethrown for the caller's usual
 * handling, which is to let the process die and restart. A null argument is a caller's bug and
 * throws {@link NullPointerException}.
 *
 * <p><b>Work is linear in the input.</b> Time and memory for one message are proportional to {@link
 * Limits#maxBytes()}: every byte read is scanned a bounded number of times (once per enclosing
 * multipart or attached-message level, of which at most 17 are walked), transfer decoders make one
 * pass without recursion, and the Subject is cut to its first 16,384 characters before it is
 * unfolded and decoded (a longer one sets {@link Result#truncated()}). Other header fields are only
 * tokenized by javax.mail, in one pass.
 *
 * <p>All methods are static and thread-safe.
 */
public final class MessageText {

    private MessageText() {}

    /**
     * Extracts the text of a raw RFC 5322 message. Only the first {@link Limits#maxBytes()} bytes
     * are parsed.
     *
     * @param raw the message bytes; bytes that are not MIME at all are read as a plain body
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMime(byte[] raw, Limits limits) {
        Objects.requireNonNull(raw, "raw");
        Extraction extraction = new Extraction(Objects.requireNonNull(limits, "limits"));
        return guarded(
                extraction,
                () -> {
                    boolean cut = raw.length > limits.maxBytes();
                    int length = cut ? (int) limits.maxBytes() : raw.length;
                    extraction.markTruncated(cut);
                    new MimeWalk(extraction).parseAndWalk(raw, length);
                });
    }

    /**
     * Extracts the text of a raw message read from a stream. At most {@link Limits#maxBytes()} + 1
     * bytes are read (the extra byte detects truncation); the stream is left open. A failing stream
     * ends the input where it failed, as a problem.
     *
     * @param raw the message stream
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMime(InputStream raw, Limits limits) {
        Objects.requireNonNull(raw, "raw");
        Extraction extraction = new Extraction(Objects.requireNonNull(limits, "limits"));
        return guarded(
                extraction,
                () -> {
                    BoundedBuffer buffer = new BoundedBuffer(limits.maxBytes());
                    try {
                        buffer.readFrom(raw);
                    } catch (IOException e) {
                        readFailed(extraction, buffer, e);
                    }
                    parseAndWalk(extraction, buffer);
                });
    }

    /**
     * Extracts the text of a parsed message, such as the one a James mailet receives. The message's
     * header lines and raw body are read (at most {@link Limits#maxBytes()} bytes) and go through
     * the same parse as {@link #fromMime(byte[], Limits)}, so a mail scores the same in James and
     * in Kafka. The message is not modified. A message built in memory that has no raw body yet is
     * walked part by part instead.
     *
     * @param message the message
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMessage(MimeMessage message, Limits limits) {
        Objects.requireNonNull(message, "message");
        Extraction extraction = new Extraction(Objects.requireNonNull(limits, "limits"));
        return guarded(extraction, () -> read(message, limits, extraction));
    }

    private static void read(MimeMessage message, Limits limits, Extraction extraction) {
        BoundedBuffer buffer = new BoundedBuffer(limits.maxBytes());
        InputStream body = ParsedParts.rawStream(message);
        if (body == null) {
            // Content set through the API (setText/setContent): walk the objects themselves.
            new MimeWalk(extraction).walkMessage(message, 0);
            return;
        }
        try (InputStream in = body) {
            Enumeration<String> lines = message.getAllHeaderLines();
            while (lines.hasMoreElements() && !buffer.overflowed()) {
                buffer.write((lines.nextElement() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            buffer.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            buffer.readFrom(in);
        } catch (IOException | MessagingException | RuntimeException e) {
            readFailed(extraction, buffer, e);
        }
        parseAndWalk(extraction, buffer);
    }

    /** A failed read ends the input where it failed: what was read is still parsed. */
    private static void readFailed(Extraction extraction, BoundedBuffer buffer, Exception e) {
        extraction.problem(
                "reading the message failed after " + buffer.size() + " bytes: " + e.getMessage());
        extraction.markTruncated(true);
    }

    private static void parseAndWalk(Extraction extraction, BoundedBuffer buffer) {
        extraction.markTruncated(buffer.overflowed());
        new MimeWalk(extraction).parseAndWalk(buffer.bytes(), buffer.size());
    }

    /**
     * Runs one extraction so that nothing escapes it: whatever fails becomes a problem of this
     * message's result. A {@link VirtualMachineError} other than a {@link StackOverflowError}
     * (above all an {@link OutOfMemoryError}) says the JVM itself is in trouble, not that this
     * message is bad, and is rethrown.
     */
    private static Result guarded(Extraction extraction, Runnable work) {
        try {
            work.run();
            return extraction.result();
        } catch (Throwable e) {
            return extraction.failed(Failures.requireNonFatal(e));
        }
    }

    /** Bounds on the work done for one message. Immutable. */
    public static final class Limits {

        private static final Limits DEFAULTS = new Limits(1L << 20, 20_000);

        private final long maxBytes;
        private final int maxChars;

        private Limits(long maxBytes, int maxChars) {
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException(
                        "maxBytes must be in [1, 2^31 - 65], got " + maxBytes);
            }
            if (maxChars < 1) {
                throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
            }
            this.maxBytes = maxBytes;
            this.maxChars = maxChars;
        }

        /**
         * Returns the defaults: read at most 1 MiB of input, return at most 20,000 characters.
         *
         * @return the default limits
         */
        public static Limits defaults() {
            return DEFAULTS;
        }

        /**
         * Returns a copy with another input bound.
         *
         * @param maxBytes the most bytes of raw input to read, at least 1
         * @return the new limits
         */
        public Limits withMaxBytes(long maxBytes) {
            return new Limits(maxBytes, maxChars);
        }

        /**
         * Returns a copy with another output bound.
         *
         * @param maxChars the most characters of text to return, at least 1
         * @return the new limits
         */
        public Limits withMaxChars(int maxChars) {
            return new Limits(maxBytes, maxChars);
        }

        /**
         * Returns the most bytes of raw input read.
         *
         * @return the byte bound
         */
        public long maxBytes() {
            return maxBytes;
        }

        /**
         * Returns the most characters of text returned.
         *
         * @return the character bound
         */
        public int maxChars() {
            return maxChars;
        }

        @Override
        public String toString() {
            return "Limits[maxBytes=" + maxBytes + ", maxChars=" + maxChars + "]";
        }
    }

    /** The extracted text and what went wrong on the way. */
    public static final class Result {

        private final String text;
        private final boolean truncated;
        private final List<String> problems;

        Result(String text, boolean truncated, List<String> problems) {
            this.text = text;
            this.truncated = truncated;
            this.problems = Collections.unmodifiableList(new ArrayList<>(problems));
        }

        /**
         * Returns the text: the Subject, a newline, then the text parts; never null.
         *
         * @return the text
         */
        public String text() {
            return text;
        }

        /**
         * Tells whether the input or the text was cut at a limit (or the input stream failed).
         *
         * @return true if only part of the message was used
         */
        public boolean truncated() {
            return truncated;
        }

        /**
         * Returns what was malformed or undecodable, in reading order; empty for a clean message.
         *
         * @return the problems, unmodifiable
         */
        public List<String> problems() {
            return problems;
        }

        /**
         * Tells whether any non-whitespace text was found.
         *
         * @return true if the text is not blank
         */
        public boolean hasText() {
            return !text.trim().isEmpty();
        }

        @Override
        public String toString() {
            return "Result[chars="
                    + text.length()
                    + ", truncated="
                    + truncated
                    + ", problems="
                    + problems
                    + "]";
        }
    }
}
