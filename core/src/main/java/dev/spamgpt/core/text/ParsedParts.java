package dev.spamgpt.core.text;

import java.io.InputStream;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimePartDataSource;

/**
 * Tells a part parsed from bytes from one built through the javax.mail API. The extraction reads a
 * parsed part's raw bytes itself, leniently and within its limits; a part built in memory has no
 * raw bytes to trust and is read through its objects instead.
 */
final class ParsedParts {

    private ParsedParts() {}

    /**
     * Reads a part's raw (still transfer-encoded) body, or returns null for a part whose content
     * was set through the API: its raw bytes (if any) are stale and its headers unsaved.
     */
    static InputStream rawStream(Part part) {
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
    static boolean isParsed(Part part) {
        try {
            return part.getDataHandler().getDataSource() instanceof MimePartDataSource;
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
