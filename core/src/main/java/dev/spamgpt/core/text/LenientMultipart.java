package dev.spamgpt.core.text;

import javax.activation.DataSource;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMultipart;

/**
 * A multipart parse that tolerates truncation, a missing boundary and no parts. Mail cut at the
 * byte limit, or written by a broken or hostile sender, must still give its text rather than an
 * exception.
 */
final class LenientMultipart extends MimeMultipart {
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
