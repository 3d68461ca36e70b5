package dev.spamgpt.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * The walk of the MIME tree for one {@link Extraction}: which parts hold text the recipient reads,
 * in which order, and how deep. Raw bytes are parsed leniently first; a message without headers is
 * read as a plain body.
 */
final class MimeWalk {

    private static final int MAX_DEPTH = 16;

    // Lenient parsing: javax.mail reads these from the session.
    private static final Session SESSION = newSession();

    private final Extraction extraction;
    private final PartBodies bodies;

    MimeWalk(Extraction extraction) {
        this.extraction = extraction;
        this.bodies = new PartBodies(extraction);
    }

    void parseAndWalk(byte[] bytes, int length) {
        int start = HeaderSniffing.skipMboxFromLine(bytes, length);
        if (!HeaderSniffing.startsWithHeader(bytes, start, length)) {
            if (length - start > 0) {
                extraction.problem("no MIME headers; the input was read as a plain UTF-8 body");
            }
            appendPlainBody(bytes, start, length);
            return;
        }
        MimeMessage message;
        try {
            message =
                    new MimeMessage(
                            SESSION, new SharedByteArrayInputStream(bytes, start, length - start));
        } catch (MessagingException | RuntimeException e) {
            extraction.problem(
                    "unreadable message headers ("
                            + e.getMessage()
                            + "); the input was read as a plain body");
            appendPlainBody(bytes, start, length);
            return;
        }
        walkMessage(message, 0);
    }

    /** Reads {@code bytes[start, length)} as a body without headers, in UTF-8. */
    private void appendPlainBody(byte[] bytes, int start, int length) {
        extraction.append(
                BodyCharsets.decode(
                        bytes, start, length - start, StandardCharsets.UTF_8, "body", extraction));
    }

    void walkMessage(MimeMessage message, int depth) {
        extraction.append(SubjectHeader.read(message, extraction));
        walk(message, depth);
    }

    /** Collects the readable text of a part, recursing into containers. */
    private void walk(Part part, int depth) {
        if (extraction.full()) {
            // The text is complete; whatever this part holds is cut.
            extraction.markTruncated(true);
            return;
        }
        if (depth > MAX_DEPTH) {
            extraction.problem(
                    "MIME nesting deeper than " + MAX_DEPTH + " levels; inner parts skipped");
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
                extraction.append(bodies.plainText(part, type));
            } else if (type.match("text/html")) {
                extraction.append(bodies.htmlText(part, type));
            }
            // Anything else (images, PDFs, calendars...) carries no text for the model.
        } catch (MessagingException | IOException | RuntimeException e) {
            extraction.problem("unreadable part (" + e.getMessage() + "); skipped");
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
            extraction.problem(
                    "malformed "
                            + type.getBaseType()
                            + " ("
                            + e.getMessage()
                            + "); its body was read as plain text");
        }
        if (count == 0) {
            extraction.problem(
                    type.getBaseType() + " without any part; its body was read as plain text");
        }
        if (count <= 0) {
            extraction.append(bodies.plainText(part, new ContentType("text", "plain", null)));
            return;
        }
        if (multipart instanceof MimeMultipart && !((MimeMultipart) multipart).isComplete()) {
            extraction.problem(type.getBaseType() + " has no closing boundary (truncated?)");
        }
        if (type.match("multipart/alternative")) {
            walkAlternative(multipart, count, depth);
        } else {
            for (int i = 0; i < count && !extraction.full(); i++) {
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
            (type.match("text/plain") ? plain : type.match("text/html") ? html : other).add(child);
        }
        List<Part> order = new ArrayList<>(plain);
        order.addAll(html);
        order.addAll(other);
        for (Part child : order) {
            int before = extraction.length();
            walk(child, depth + 1);
            if (extraction.length() > before) {
                return;
            }
        }
    }

    private void walkAttachedMessage(Part part, int depth) throws MessagingException, IOException {
        if (ParsedParts.rawStream(part) == null) {
            Object content = part.getContent();
            if (content instanceof MimeMessage) {
                walkMessage((MimeMessage) content, depth + 1);
            }
            return;
        }
        byte[] bytes = bodies.readDecoded(part);
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
        return new LenientMultipart(new DecodedSource(part, extraction::problem));
    }

    private ContentType contentType(Part part, boolean report) throws MessagingException {
        // Content set through the API has its type on the DataHandler until saveChanges().
        String header =
                ParsedParts.isParsed(part)
                        ? part.getContentType()
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
                extraction.problem(
                        "malformed Content-Type '" + Extraction.abbreviate(header) + "'");
            }
            int slash = base.indexOf('/');
            if (slash > 0 && base.matches("[a-z0-9.+-]+/[a-z0-9.+-]+")) {
                return new ContentType(base.substring(0, slash), base.substring(slash + 1), null);
            }
            return new ContentType("text", "plain", null);
        }
    }

    private boolean isAttachment(Part part) {
        try {
            String disposition = part.getDisposition();
            return disposition != null && disposition.equalsIgnoreCase(Part.ATTACHMENT);
        } catch (MessagingException | RuntimeException e) {
            extraction.problem("malformed Content-Disposition; part treated as inline");
            return false;
        }
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
