package dev.spamgpt.core.text;

import dev.spamgpt.core.text.MessageText.Limits;
import dev.spamgpt.core.text.MessageText.Result;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;
import javax.mail.util.SharedByteArrayInputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * The state of one extraction: collected text, problems and whether anything was cut. Each of
 * {@link MessageText}'s entry points fills one, so bytes, streams and parsed messages all go
 * through the same walk of the MIME tree and the same rules.
 */
final class Extraction {

    private static final int MAX_DEPTH = 16;

    /** The most characters of the Subject read: it is cut there before it is unfolded. */
    static final int MAX_HEADER_CHARS = 16_384;

    // Lenient parsing: javax.mail reads these from the session.
    private static final Session SESSION = newSession();

    private final Limits limits;
    private final StringBuilder text = new StringBuilder();
    private final List<String> problems = new ArrayList<>();
    private boolean truncated;

    Extraction(Limits limits) {
        this.limits = limits;
    }

    /** Marks the result as truncated when {@code cut}, for input cut before the walk. */
    void markTruncated(boolean cut) {
        truncated |= cut;
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

    /**
     * The result after the walk failed with {@code failure}: the text read until then, cut
     * there, with the failure as a problem. It does as little as it can, as the stack may still
     * be nearly full.
     */
    Result failed(Throwable failure) {
        truncated = true;
        // No string concatenation: its first use links a call site, which takes stack.
        problem(new StringBuilder("extraction failed (").append(failure.getClass().getName())
                .append("); the text is what was read before").toString());
        try {
            return result();
        } catch (RuntimeException | StackOverflowError e) {
            return new Result("", true, problems);
        }
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
        if (raw.length() > MAX_HEADER_CHARS) {
            int end = MAX_HEADER_CHARS;
            if (Character.isHighSurrogate(raw.charAt(end - 1))) {
                end--;
            }
            raw = raw.substring(0, end);
            truncated = true;
            problem("Subject longer than " + MAX_HEADER_CHARS + " characters; cut there");
        }
        String unfolded = unfold(raw);
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (IOException | RuntimeException e) {
            problem("undecodable Subject (" + e.getMessage() + "); kept as is");
            return unfolded;
        }
    }

    /**
     * Unfolds a header value as {@link MimeUtility#unfold} does (a line break followed by a
     * blank is removed, the blank kept; a backslash before a line break escapes it), in one
     * pass: that one copies the rest of the value at every line break.
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
        if (ParsedParts.rawStream(part) == null) {
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
        InputStream raw = ParsedParts.rawStream(part);
        if (raw == null) {
            Object content = part.getContent();
            return content instanceof Multipart ? (Multipart) content : null;
        }
        raw.close();
        return new LenientMultipart(new DecodedSource(part, this::problem));
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
        InputStream raw = ParsedParts.rawStream(part);
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
            DecodedBytes decoded = Base64Lenient.decode(bytes);
            if (decoded.damaged) {
                problem("damaged base64 in " + describe(part) + "; kept what decoded");
            }
            return decoded.bytes;
        }
        if (encoding.equals("quoted-printable")) {
            // Not MimeUtility.decode: its decoder recurses once per soft line break.
            DecodedBytes decoded = QuotedPrintableLenient.decode(bytes);
            if (decoded.damaged) {
                problem("damaged quoted-printable in " + describe(part) + "; kept what decoded");
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
        String header = ParsedParts.isParsed(part) ? part.getContentType()
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
}
