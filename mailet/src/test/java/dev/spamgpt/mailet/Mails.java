package dev.spamgpt.mailet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.base.test.FakeMail;

/** Mails for the tests, from raw RFC 5322 text the way James receives them over SMTP. */
final class Mails {

    static final String RECIPIENT1 = "alice@example.org";
    static final String RECIPIENT2 = "bob@example.org";

    private Mails() {}

    /** Parses raw lines (joined with CRLF) into a message. */
    static MimeMessage parse(String... lines) throws MessagingException {
        return parse(String.join("\r\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    }

    static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(
                Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    static FakeMail mail(MimeMessage message) throws MessagingException {
        return FakeMail.builder()
                .name("mail-" + System.nanoTime())
                .sender("sender@example.net")
                .recipients(RECIPIENT1, RECIPIENT2)
                .mimeMessage(message)
                .build();
    }

    /** Opens the bytes of a spooled mail, each time they are read. */
    interface Spool {
        InputStream open() throws IOException;
    }

    /** A mail that James keeps spooled: its message reads the bytes only when asked, from there. */
    static FakeMail spooled(String sourceId, Spool spool) throws MessagingException {
        return mail(
                new MimeMessageWrapper(
                        new MimeMessageSource() {
                            @Override
                            public String getSourceId() {
                                return sourceId;
                            }

                            @Override
                            public InputStream getInputStream() throws IOException {
                                return spool.open();
                            }
                        }));
    }

    static FakeMail plain(String subject, String body) throws MessagingException {
        return mail(
                parse(
                        "From: sender@example.net",
                        "To: alice@example.org",
                        "Subject: " + subject,
                        "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=us-ascii",
                        "",
                        body));
    }

    /** A plain mail that {@link KeywordScorer} scores as spam. */
    static FakeMail spam() throws MessagingException {
        return plain("You are a WINNER", "Claim your prize now.");
    }

    /** A plain mail that {@link KeywordScorer} scores as ham. */
    static FakeMail ham() throws MessagingException {
        return plain("Lunch tomorrow?", "Shall we meet at noon?");
    }

    /** The values of the per-recipient header {@code name} that a mailet set for one recipient. */
    static List<String> recipientHeaders(Mail mail, String recipient, String name)
            throws Exception {
        return mail
                .getPerRecipientSpecificHeaders()
                .getHeadersForRecipient(new MailAddress(recipient))
                .stream()
                .filter(h -> h.getName().equals(name))
                .map(PerRecipientHeaders.Header::getValue)
                .collect(Collectors.toList());
    }
}
