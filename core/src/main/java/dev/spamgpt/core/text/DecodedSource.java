package dev.spamgpt.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.activation.DataSource;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;

/**
 * A part's body with its transfer encoding undone, for {@link MimeMultipart}. It is how a
 * part's own raw bytes reach {@link LenientMultipart}: {@code getContent()} would build an
 * ordinary, less forgiving multipart instead.
 */
final class DecodedSource implements DataSource {
    private final Part part;

    DecodedSource(Part part) {
        this.part = part;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        InputStream raw = ParsedParts.rawStream(part);
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
