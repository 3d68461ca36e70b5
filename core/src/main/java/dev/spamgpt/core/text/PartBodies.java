package dev.spamgpt.core.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * A part's body: its bytes with the transfer encoding undone, read within {@link
 * MessageText.Limits#maxBytes()}, and the text of a {@code text/plain} or {@code text/html} part.
 * Damage is kept as far as it decodes and recorded as a problem.
 */
final class PartBodies {

    private final Extraction extraction;

    PartBodies(Extraction extraction) {
        this.extraction = extraction;
    }

    String plainText(Part part, ContentType type) throws MessagingException {
        byte[] bytes = readDecoded(part);
        return BodyCharsets.decode(
                bytes,
                0,
                bytes.length,
                BodyCharsets.declared(type, part, extraction),
                type.getBaseType(),
                extraction);
    }

    String htmlText(Part part, ContentType type) throws MessagingException {
        byte[] bytes = readDecoded(part);
        String declared = type.getParameter("charset");
        Document document;
        if (declared == null) {
            // No charset in the header: let jsoup look for a BOM or <meta charset>.
            try {
                document = Jsoup.parse(new ByteArrayInputStream(bytes), null, "");
            } catch (IOException e) {
                extraction.problem("unreadable HTML: " + e.getMessage());
                return "";
            }
        } else {
            document =
                    Jsoup.parse(
                            BodyCharsets.decode(
                                    bytes,
                                    0,
                                    bytes.length,
                                    BodyCharsets.declared(type, part, extraction),
                                    "text/html",
                                    extraction));
        }
        return HtmlText.of(document);
    }

    /** Reads a part's body with its transfer encoding undone; bounded by maxBytes. */
    byte[] readDecoded(Part part) throws MessagingException {
        InputStream raw = ParsedParts.rawStream(part);
        if (raw == null) {
            // Built in memory: its DataHandler already gives decoded bytes.
            try {
                return read(part.getInputStream(), part);
            } catch (IOException e) {
                extraction.problem(
                        "unreadable " + Extraction.describe(part) + ": " + e.getMessage());
                return new byte[0];
            }
        }
        byte[] bytes = read(raw, part);
        String encoding = transferEncoding(part);
        if (encoding.isEmpty()
                || encoding.equals("7bit")
                || encoding.equals("8bit")
                || encoding.equals("binary")) {
            return bytes;
        }
        if (encoding.equals("base64")) {
            DecodedBytes decoded = Base64Lenient.decode(bytes);
            if (decoded.damaged) {
                extraction.problem(
                        "damaged base64 in " + Extraction.describe(part) + "; kept what decoded");
            }
            return decoded.bytes;
        }
        if (encoding.equals("quoted-printable")) {
            // Not MimeUtility.decode: its decoder recurses once per soft line break.
            DecodedBytes decoded = QuotedPrintableLenient.decode(bytes);
            if (decoded.damaged) {
                extraction.problem(
                        "damaged quoted-printable in "
                                + Extraction.describe(part)
                                + "; kept what decoded");
            }
            return decoded.bytes;
        }
        InputStream in;
        try {
            in = MimeUtility.decode(new ByteArrayInputStream(bytes), encoding);
        } catch (MessagingException e) {
            extraction.problem(
                    "unknown Content-Transfer-Encoding '"
                            + Extraction.abbreviate(encoding)
                            + "'; body read as is");
            return bytes;
        }
        return read(in, part);
    }

    /** Reads a stream to its end or to maxBytes; a failure keeps what was read. */
    private byte[] read(InputStream in, Part part) {
        BoundedBuffer buffer = new BoundedBuffer(extraction.limits().maxBytes());
        try (InputStream stream = in) {
            buffer.readFrom(stream);
        } catch (IOException e) {
            extraction.problem(
                    "damaged "
                            + Extraction.describe(part)
                            + " body after "
                            + buffer.size()
                            + " bytes ("
                            + e.getMessage()
                            + "); kept what was read");
        }
        if (buffer.overflowed()) {
            extraction.markTruncated(true);
        }
        return Arrays.copyOf(buffer.bytes(), buffer.size());
    }

    private String transferEncoding(Part part) {
        try {
            String encoding =
                    part instanceof MimeBodyPart
                            ? ((MimeBodyPart) part).getEncoding()
                            : part instanceof MimeMessage
                                    ? ((MimeMessage) part).getEncoding()
                                    : null;
            return encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            extraction.problem("unreadable Content-Transfer-Encoding; body read as is");
            return "";
        }
    }
}
