package dev.spamgpt.mailet;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
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
}
