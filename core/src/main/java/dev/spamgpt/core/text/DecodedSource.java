package dev.spamgpt.core.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.function.Consumer;
import javax.activation.DataSource;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;

/**
 * A part's body with its transfer encoding undone, for {@link MimeMultipart}. It is how a part's
 * own raw bytes reach {@link LenientMultipart}: {@code getContent()} would build an ordinary, less
 * forgiving multipart instead.
 */
final class DecodedSource implements DataSource {
    private final Part part;
    private final Consumer<String> problems;

    DecodedSource(Part part, Consumer<String> problems) {
        this.part = part;
        this.problems = problems;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        InputStream raw = ParsedParts.rawStream(part);
        if (raw == null) {
            throw new IOException("part has no raw content");
        }
        String encoding;
        try {
            encoding =
                    part instanceof MimeBodyPart
                            ? ((MimeBodyPart) part).getEncoding()
                            : ((MimeMessage) part).getEncoding();
        } catch (MessagingException | RuntimeException e) {
            return raw;
        }
        if (encoding == null) {
            return raw;
        }
        // RFC 2045 allows only identity encodings on multiparts; decode anyway if told.
        String lower = encoding.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("base64") || lower.equals("quoted-printable")) {
            // The lenient decoders, as for a text part: javax.mail's QP decoder recurses once
            // per soft line break. The raw part lies inside the message, so it is bounded.
            byte[] bytes;
            try (InputStream in = raw) {
                bytes = in.readAllBytes();
            }
            DecodedBytes decoded =
                    lower.equals("base64")
                            ? Base64Lenient.decode(bytes)
                            : QuotedPrintableLenient.decode(bytes);
            if (decoded.damaged) {
                problems.accept("damaged " + lower + " on a multipart; kept what decoded");
            }
            return new ByteArrayInputStream(decoded.bytes);
        }
        try {
            return MimeUtility.decode(raw, encoding.trim());
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
