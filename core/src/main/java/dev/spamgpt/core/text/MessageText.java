package dev.spamgpt.core.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import javax.activation.DataSource;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimePartDataSource;
import javax.mail.internet.MimeUtility;
import javax.mail.util.SharedByteArrayInputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * Turns an e-mail into the text the classifier sees: the Subject, a newline, then the text of
 * the message's readable parts. This is the one extraction that the trainer, the Kafka Streams
 * filter and the James mailet share, so a model scores mail exactly as it was trained on it.
 *
 * <ul>
 *   <li>In {@code multipart/alternative} the {@code text/plain} part wins; HTML is used only when
 *       there is no plain text, converted to text with jsoup (scripts and styles dropped).</li>
 *   <li>Transfer encodings (base64, quoted-printable, uuencode) and charsets are decoded. An
 *       unknown charset or bytes invalid in their charset are decoded leniently (invalid bytes
 *       become U+FFFD) and recorded in {@link Result#problems()}.</li>
 *   <li>Attachments (a {@code Content-Disposition: attachment} or a non-text type) are skipped;
 *       nested multiparts and attached {@code message/rfc822} mails are walked.</li>
 *   <li>Nothing here throws on bad input: malformed MIME gives whatever text could be read, plus
 *       a problem description.</li>
 *   <li>Bounded work: at most {@link Limits#maxBytes()} bytes of input are read, and at most
 *       {@link Limits#maxChars()} characters are returned; either cut sets
 *       {@link Result#truncated()}.</li>
 * </ul>
 *
 * <p>All methods are static and thread-safe.
 */
public final class MessageText {

    private static final int MAX_DEPTH = 16;
    private static final int READ_CHUNK = 8192;

    // Lenient parsing: javax.mail reads these from the session.
    private static final Session SESSION = newSession();

    private MessageText() {}

    /**
     * Extracts the text of a raw RFC 5322 message. Only the first {@link Limits#maxBytes()}
     * bytes are parsed.
     *
     * @param raw the message bytes; bytes that are not MIME at all are read as a plain body
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMime(byte[] raw, Limits limits) {
        boolean cut = raw.length > limits.maxBytes();
        int length = cut ? (int) limits.maxBytes() : raw.length;
        Extraction extraction = new Extraction(limits);
        extraction.truncated = cut;
        extraction.parseAndWalk(raw, length);
        return extraction.result();
    }

    /**
     * Extracts the text of a raw message read from a stream. At most
     * {@link Limits#maxBytes()} + 1 bytes are read (the extra byte detects truncation); the
     * stream is left open. A failing stream ends the input where it failed, as a problem.
     *
     * @param raw the message stream
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMime(InputStream raw, Limits limits) {
        Extraction extraction = new Extraction(limits);
        BoundedBuffer buffer = new BoundedBuffer(limits.maxBytes());
        try {
            buffer.readFrom(raw);
        } catch (IOException e) {
            extraction.problem("reading the message failed after " + buffer.size()
                    + " bytes: " + e.getMessage());
            extraction.truncated = true;
        }
        extraction.truncated |= buffer.overflowed();
        extraction.parseAndWalk(buffer.bytes(), buffer.size());
        return extraction.result();
    }

    /**
     * Extracts the text of a parsed message, such as the one a James mailet receives. The
     * message's header lines and raw body are read (at most {@link Limits#maxBytes()} bytes) and
     * go through the same parse as {@link #fromMime(byte[], Limits)}, so a mail scores the same
     * in James and in Kafka. The message is not modified. A message built in memory that has no
     * raw body yet is walked part by part instead.
     *
     * @param message the message
     * @param limits the bounds
     * @return the text, never null
     */
    public static Result fromMessage(MimeMessage message, Limits limits) {
        Extraction extraction = new Extraction(limits);
        BoundedBuffer buffer = new BoundedBuffer(limits.maxBytes());
        InputStream body = rawStream(message);
        if (body == null) {
            // Content set through the API (setText/setContent): walk the objects themselves.
            extraction.walkMessage(message, 0);
            return extraction.result();
        }
        try (InputStream in = body) {
            Enumeration<String> lines = message.getAllHeaderLines();
            while (lines.hasMoreElements() && !buffer.overflowed()) {
                buffer.write((lines.nextElement() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            buffer.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            buffer.readFrom(in);
        } catch (IOException | MessagingException | RuntimeException e) {
            extraction.problem("reading the message failed after " + buffer.size()
                    + " bytes: " + e.getMessage());
            extraction.truncated = true;
        }
        extraction.truncated |= buffer.overflowed();
        extraction.parseAndWalk(buffer.bytes(), buffer.size());
        return extraction.result();
    }

    /** Bounds on the work done for one message. Immutable. */
    public static final class Limits {

        private static final Limits DEFAULTS = new Limits(1L << 20, 20_000);

        private final long maxBytes;
        private final int maxChars;

        private Limits(long maxBytes, int maxChars) {
            if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("maxBytes must be in [1, 2^31 - 65], got "
                        + maxBytes);
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
            return "Result[chars=" + text.length() + ", truncated=" + truncated + ", problems="
                    + problems + "]";
        }
    }

    /** The state of one extraction: collected text, problems and whether anything was cut. */
    private static final class Extraction {

        private final Limits limits;
        private final StringBuilder text = new StringBuilder();
        private final List<String> problems = new ArrayList<>();
        private boolean truncated;

        Extraction(Limits limits) {
            this.limits = limits;
        }

        void problem(String description) {
            // A pathological mail could repeat one fault thousands of times.
            if (problems.size() < 50) {
                problems.add(description);
            }
        }

        boolean full() {
            return text.length() >= limits.maxChars();
        }

        void append(String piece) {
            String clean = piece.trim();
            if (clean.isEmpty()) {
                return;
            }
            if (full()) {
                truncated = true;
                return;
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(clean);
        }

        Result result() {
            String out = normalize(text);
            if (out.length() > limits.maxChars()) {
                int end = limits.maxChars();
                if (Character.isHighSurrogate(out.charAt(end - 1))) {
                    end--;
                }
                out = out.substring(0, end);
                truncated = true;
            }
            return new Result(out, truncated, problems);
        }

        void parseAndWalk(byte[] bytes, int length) {
            int start = skipMboxFromLine(bytes, length);
            if (!startsWithHeader(bytes, start, length)) {
                if (length - start > 0) {
                    problem("no MIME headers; the input was read as a plain UTF-8 body");
                }
                append(decode(bytes, start, length - start, StandardCharsets.UTF_8, "body"));
                return;
            }
            MimeMessage message;
            try {
                message = new MimeMessage(SESSION,
                        new SharedByteArrayInputStream(bytes, start, length - start));
            } catch (MessagingException | RuntimeException e) {
                problem("unreadable message headers (" + e.getMessage()
                        + "); the input was read as a plain body");
                append(decode(bytes, start, length - start, StandardCharsets.UTF_8, "body"));
                return;
            }
            walkMessage(message, 0);
        }

        void walkMessage(MimeMessage message, int depth) {
            append(subject(message));
            walk(message, depth);
        }

        private String subject(MimeMessage message) {
            String raw;
            try {
                raw = message.getHeader("Subject", null);
            } catch (MessagingException | RuntimeException e) {
                problem("unreadable Subject header: " + e.getMessage());
                return "";
            }
            if (raw == null) {
                return "";
            }
            String unfolded = MimeUtility.unfold(raw);
            try {
                return MimeUtility.decodeText(unfolded);
            } catch (IOException | RuntimeException e) {
                problem("undecodable Subject (" + e.getMessage() + "); kept as is");
                return unfolded;
            }
        }

        /** Collects the readable text of a part, recursing into containers. */
        private void walk(Part part, int depth) {
            if (full()) {
                // The text is complete; whatever this part holds is cut.
                truncated = true;
                return;
            }
            if (depth > MAX_DEPTH) {
                problem("MIME nesting deeper than " + MAX_DEPTH + " levels; inner parts skipped");
                return;
            }
            try {
                ContentType type = contentType(part, true);
                if (type.match("message/rfc822")) {
                    // An attached mail is content the recipient reads: walk it even if it is
                    // marked as an attachment (forwarded spam, phishing wrapped in .eml).
                    walkAttachedMessage(part, depth);
                    return;
                }
                if (isAttachment(part)) {
                    return;
                }
                if (type.match("multipart/*")) {
                    walkMultipart(part, type, depth);
                } else if (type.match("text/plain")) {
                    append(plainText(part, type));
                } else if (type.match("text/html")) {
                    append(htmlText(part, type));
                }
                // Anything else (images, PDFs, calendars...) carries no text for the model.
            } catch (MessagingException | IOException | RuntimeException e) {
                problem("unreadable part (" + e.getMessage() + "); skipped");
            }
        }

        private void walkMultipart(Part part, ContentType type, int depth)
                throws MessagingException, IOException {
            Multipart multipart = multipart(part);
            int count;
            try {
                count = multipart == null ? -1 : multipart.getCount();
            } catch (MessagingException e) {
                count = -1;
                problem("malformed " + type.getBaseType() + " (" + e.getMessage()
                        + "); its body was read as plain text");
            }
            if (count == 0) {
                problem(type.getBaseType() + " without any part; its body was read as plain text");
            }
            if (count <= 0) {
                append(plainText(part, new ContentType("text", "plain", null)));
                return;
            }
            if (multipart instanceof MimeMultipart && !((MimeMultipart) multipart).isComplete()) {
                problem(type.getBaseType() + " has no closing boundary (truncated?)");
            }
            if (type.match("multipart/alternative")) {
                walkAlternative(multipart, count, depth);
            } else {
                for (int i = 0; i < count && !full(); i++) {
                    walk(multipart.getBodyPart(i), depth + 1);
                }
            }
        }

        /** Plain text first; else HTML; else any other alternative that yields text. */
        private void walkAlternative(Multipart multipart, int count, int depth)
                throws MessagingException {
            List<Part> plain = new ArrayList<>();
            List<Part> html = new ArrayList<>();
            List<Part> other = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Part child = multipart.getBodyPart(i);
                ContentType type = contentType(child, false);
                (type.match("text/plain") ? plain : type.match("text/html") ? html : other)
                        .add(child);
            }
            List<Part> order = new ArrayList<>(plain);
            order.addAll(html);
            order.addAll(other);
            for (Part child : order) {
                int before = text.length();
                walk(child, depth + 1);
                if (text.length() > before) {
                    return;
                }
            }
        }

        private void walkAttachedMessage(Part part, int depth)
                throws MessagingException, IOException {
            if (rawStream(part) == null) {
                Object content = part.getContent();
                if (content instanceof MimeMessage) {
                    walkMessage((MimeMessage) content, depth + 1);
                }
                return;
            }
            byte[] bytes = readDecoded(part);
            MimeMessage inner = new MimeMessage(SESSION, new SharedByteArrayInputStream(bytes));
            walkMessage(inner, depth + 1);
        }

        private Multipart multipart(Part part) throws MessagingException, IOException {
            InputStream raw = rawStream(part);
            if (raw == null) {
                Object content = part.getContent();
                return content instanceof Multipart ? (Multipart) content : null;
            }
            raw.close();
            return new LenientMultipart(new DecodedSource(part));
        }

        private String plainText(Part part, ContentType type) throws MessagingException {
            byte[] bytes = readDecoded(part);
            return decode(bytes, 0, bytes.length, charset(type, part), type.getBaseType());
        }

        private String htmlText(Part part, ContentType type) throws MessagingException {
            byte[] bytes = readDecoded(part);
            String declared = type.getParameter("charset");
            Document document;
            if (declared == null) {
                // No charset in the header: let jsoup look for a BOM or <meta charset>.
                try {
                    document = Jsoup.parse(new ByteArrayInputStream(bytes), null, "");
                } catch (IOException e) {
                    problem("unreadable HTML: " + e.getMessage());
                    return "";
                }
            } else {
                document = Jsoup.parse(decode(bytes, 0, bytes.length, charset(type, part),
                        "text/html"));
            }
            return HtmlText.of(document);
        }

        /** Reads a part's body with its transfer encoding undone; bounded by maxBytes. */
        private byte[] readDecoded(Part part) throws MessagingException {
            InputStream raw = rawStream(part);
            if (raw == null) {
                // Built in memory: its DataHandler already gives decoded bytes.
                try {
                    return read(part.getInputStream(), part);
                } catch (IOException e) {
                    problem("unreadable " + describe(part) + ": " + e.getMessage());
                    return new byte[0];
                }
            }
            byte[] bytes = read(raw, part);
            String encoding = transferEncoding(part);
            if (encoding.isEmpty() || encoding.equals("7bit") || encoding.equals("8bit")
                    || encoding.equals("binary")) {
                return bytes;
            }
            if (encoding.equals("base64")) {
                Base64Lenient.Decoded decoded = Base64Lenient.decode(bytes);
                if (decoded.damaged) {
                    problem("damaged base64 in " + describe(part) + "; kept what decoded");
                }
                return decoded.bytes;
            }
            InputStream in;
            try {
                in = MimeUtility.decode(new ByteArrayInputStream(bytes), encoding);
            } catch (MessagingException e) {
                problem("unknown Content-Transfer-Encoding '" + abbreviate(encoding)
                        + "'; body read as is");
                return bytes;
            }
            return read(in, part);
        }

        /** Reads a stream to its end or to maxBytes; a failure keeps what was read. */
        private byte[] read(InputStream in, Part part) {
            BoundedBuffer buffer = new BoundedBuffer(limits.maxBytes());
            try (InputStream stream = in) {
                buffer.readFrom(stream);
            } catch (IOException e) {
                problem("damaged " + describe(part) + " body after " + buffer.size()
                        + " bytes (" + e.getMessage() + "); kept what was read");
            }
            if (buffer.overflowed()) {
                truncated = true;
            }
            return Arrays.copyOf(buffer.bytes(), buffer.size());
        }

        private String transferEncoding(Part part) {
            try {
                String encoding = part instanceof MimeBodyPart ? ((MimeBodyPart) part).getEncoding()
                        : part instanceof MimeMessage ? ((MimeMessage) part).getEncoding() : null;
                return encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
            } catch (MessagingException | RuntimeException e) {
                problem("unreadable Content-Transfer-Encoding; body read as is");
                return "";
            }
        }

        private ContentType contentType(Part part, boolean report) throws MessagingException {
            // Content set through the API has its type on the DataHandler until saveChanges().
            String header = isParsed(part) ? part.getContentType()
                    : part.getDataHandler().getContentType();
            if (header == null) {
                return new ContentType("text", "plain", null);
            }
            try {
                return new ContentType(header);
            } catch (javax.mail.internet.ParseException e) {
                // "text/plain; charset=utf-8 garbage": keep the base type if it is readable.
                String base = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (report) {
                    problem("malformed Content-Type '" + abbreviate(header) + "'");
                }
                int slash = base.indexOf('/');
                if (slash > 0 && base.matches("[a-z0-9.+-]+/[a-z0-9.+-]+")) {
                    return new ContentType(base.substring(0, slash), base.substring(slash + 1),
                            null);
                }
                return new ContentType("text", "plain", null);
            }
        }

        private boolean isAttachment(Part part) {
            try {
                String disposition = part.getDisposition();
                return disposition != null && disposition.equalsIgnoreCase(Part.ATTACHMENT);
            } catch (MessagingException | RuntimeException e) {
                problem("malformed Content-Disposition; part treated as inline");
                return false;
            }
        }

        /** Returns the charset a text part declares, or UTF-8 when it declares none. */
        private Charset charset(ContentType type, Part part) {
            String name = type.getParameter("charset");
            if (name == null || name.trim().isEmpty()) {
                return StandardCharsets.UTF_8;
            }
            String trimmed = name.trim();
            String lower = trimmed.toLowerCase(Locale.ROOT);
            // As browsers do: mail labelled Latin-1 is written in windows-1252 in practice.
            if (lower.equals("iso-8859-1") || lower.equals("latin1") || lower.equals("l1")) {
                return Charset.forName("windows-1252");
            }
            try {
                return Charset.forName(MimeUtility.javaCharset(trimmed));
            } catch (RuntimeException e) {
                problem("unknown charset '" + abbreviate(trimmed) + "' in " + describe(part)
                        + "; decoded as UTF-8");
                return StandardCharsets.UTF_8;
            }
        }

        /** Decodes strictly, and on failure again with U+FFFD for bad bytes, as a problem. */
        private String decode(byte[] bytes, int offset, int length, Charset charset,
                String what) {
            try {
                return charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
            } catch (CharacterCodingException e) {
                problem("bytes invalid in " + charset.name() + " in " + what
                        + "; replaced with U+FFFD");
                // Charset.decode replaces malformed and unmappable input with U+FFFD.
                return charset.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
            } catch (RuntimeException e) {
                // Some legacy decoders cannot replace; UTF-8 always can.
                problem("charset " + charset.name() + " failed in " + what + "; decoded as UTF-8");
                return new String(bytes, offset, length, StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Reads a part's raw (still transfer-encoded) body, or returns null for a part whose content
     * was set through the API: its raw bytes (if any) are stale and its headers unsaved.
     */
    private static InputStream rawStream(Part part) {
        try {
            if (!isParsed(part)) {
                return null;
            }
            if (part instanceof MimeBodyPart) {
                return ((MimeBodyPart) part).getRawInputStream();
            }
            if (part instanceof MimeMessage) {
                return ((MimeMessage) part).getRawInputStream();
            }
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Tells whether a part's content comes from parsed bytes rather than from API calls. */
    private static boolean isParsed(Part part) {
        try {
            return part.getDataHandler().getDataSource() instanceof MimePartDataSource;
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(Part part) {
        try {
            String type = part.getContentType();
            return type == null ? "text/plain part" : abbreviate(type.split(";", 2)[0]) + " part";
        } catch (MessagingException | RuntimeException e) {
            return "part";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Offset just past a leading mbox "From " separator line, or 0. */
    private static int skipMboxFromLine(byte[] bytes, int length) {
        if (length < 5 || bytes[0] != 'F' || bytes[1] != 'r' || bytes[2] != 'o' || bytes[3] != 'm'
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
     * Tells whether the input starts like a message: a header field name and a colon, or an
     * empty line (a message with no headers at all).
     */
    private static boolean startsWithHeader(byte[] bytes, int start, int length) {
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

    /** Collapses blank-line runs, trims line ends, drops NULs, turns no-break spaces to spaces. */
    private static String normalize(CharSequence text) {
        StringBuilder out = new StringBuilder(text.length());
        int newlines = 0;
        StringBuilder spaces = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    continue;
                }
                c = '\n';
            }
            if (c == '\u0000') {
                continue;
            }
            if (c == '\u00a0') {
                // A no-break space looks like a space; the model should see one.
                c = ' ';
            }
            if (c == '\n') {
                // Spaces at the end of a line are dropped.
                spaces.setLength(0);
                newlines++;
                continue;
            }
            if (c == ' ' || c == '\t') {
                spaces.append(c);
                continue;
            }
            if (newlines > 0) {
                out.append(newlines > 1 ? "\n\n" : "\n");
                newlines = 0;
            }
            out.append(spaces);
            spaces.setLength(0);
            out.append(c);
        }
        return out.toString().trim();
    }

    private static Session newSession() {
        Properties props = new Properties();
        // Raw UTF-8 in headers is common in real (and spam) mail.
        props.setProperty("mail.mime.allowutf8", "true");
        props.setProperty("mail.mime.parameters.strict", "false");
        props.setProperty("mail.mime.decodetext.strict", "false");
        props.setProperty("mail.mime.address.strict", "false");
        return Session.getInstance(props);
    }

    /** A multipart parse that tolerates truncation, a missing boundary and no parts. */
    private static final class LenientMultipart extends MimeMultipart {
        LenientMultipart(DataSource source) throws MessagingException {
            super(source);
        }

        @Override
        protected void initializeProperties() {
            ignoreMissingEndBoundary = true;
            ignoreMissingBoundaryParameter = true;
            ignoreExistingBoundaryParameter = false;
            allowEmpty = true;
        }
    }

    /** A part's body with its transfer encoding undone, for {@link MimeMultipart}. */
    private static final class DecodedSource implements DataSource {
        private final Part part;

        DecodedSource(Part part) {
            this.part = part;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            InputStream raw = rawStream(part);
            if (raw == null) {
                throw new IOException("part has no raw content");
            }
            try {
                String encoding = part instanceof MimeBodyPart
                        ? ((MimeBodyPart) part).getEncoding() : ((MimeMessage) part).getEncoding();
                // RFC 2045 allows only identity encodings on multiparts; decode anyway if told.
                return encoding == null ? raw : MimeUtility.decode(raw, encoding.trim());
            } catch (MessagingException | RuntimeException e) {
                return raw;
            }
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public String getContentType() {
            try {
                return part.getContentType();
            } catch (MessagingException e) {
                return "multipart/mixed";
            }
        }

        @Override
        public String getName() {
            return "part";
        }
    }

    /** A byte buffer that keeps at most {@code limit} bytes and remembers whether more came. */
    private static final class BoundedBuffer {
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
                bytes = Arrays.copyOf(bytes,
                        (int) Math.min(limit, Math.max((long) size + length, 2L * bytes.length)));
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

    /**
     * A base64 decoder that never gives up: characters outside the alphabet are skipped, padding
     * ends a group, and a dangling partial group at the end (a cut message) is dropped.
     */
    private static final class Base64Lenient {
        private static final int[] VALUES = new int[256];

        static {
            Arrays.fill(VALUES, -1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.length(); i++) {
                VALUES[alphabet.charAt(i)] = i;
            }
        }

        static final class Decoded {
            final byte[] bytes;
            final boolean damaged;

            Decoded(byte[] bytes, boolean damaged) {
                this.bytes = bytes;
                this.damaged = damaged;
            }
        }

        static Decoded decode(byte[] in) {
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
            return new Decoded(Arrays.copyOf(out, size), damaged);
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

    /** HTML to readable text: block elements become line breaks, scripts and styles go. */
    private static final class HtmlText implements NodeVisitor {
        private static final Set<String> BLOCKS = new HashSet<>(
                Arrays.asList("address", "article", "aside", "blockquote", "dd",
                        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
                        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
                        "ol", "p", "pre", "section", "table", "tr", "ul", "title"));

        private final StringBuilder out = new StringBuilder();

        static String of(Document document) {
            document.select("script, style, noscript, template, head").remove();
            HtmlText visitor = new HtmlText();
            NodeTraversor.traverse(visitor, document);
            return visitor.out.toString();
        }

        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode) {
                String text = ((TextNode) node).text();
                if (!text.trim().isEmpty()) {
                    out.append(text);
                } else if (out.length() > 0 && out.charAt(out.length() - 1) != ' '
                        && out.charAt(out.length() - 1) != '\n') {
                    out.append(' ');
                }
            } else if (node instanceof Element) {
                String name = ((Element) node).normalName();
                if (name.equals("br")) {
                    // A line break always ends the line, so <br><br> leaves a blank line.
                    trimTrailingSpaces();
                    if (out.length() > 0) {
                        out.append('\n');
                    }
                } else if (BLOCKS.contains(name)) {
                    newline();
                }
            }
        }

        /** Ends the line unless it is already ended (or nothing was written yet). */
        private void newline() {
            trimTrailingSpaces();
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
        }

        private void trimTrailingSpaces() {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == ' ') {
                end--;
            }
            out.setLength(end);
        }

        @Override
        public void tail(Node node, int depth) {
            if (node instanceof Element) {
                String name = ((Element) node).normalName();
                if (BLOCKS.contains(name)) {
                    newline();
                } else if (name.equals("td") || name.equals("th")) {
                    out.append(' ');
                }
            }
        }
    }
}
