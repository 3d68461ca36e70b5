package dev.spamgpt.core.testing;

import java.nio.charset.StandardCharsets;

/**
 * Generates the hostile mails found in the hardening review, so that every entry point (the streams
 * filter, the mailet, the trainer's readers) can be tested against the same inputs. Each is built
 * from its parameters: nothing is read from disk.
 */
public final class CraftedMail {

    /** Soft line breaks in {@link #qpBomb()}: enough to overflow javax.mail's recursive decoder. */
    public static final int QP_SOFT_BREAKS = 40_000;

    /** Bytes of Subject in {@link #foldBomb()}: a 1 MiB header folded after every word. */
    public static final int FOLDED_SUBJECT_BYTES = 1 << 20;

    private CraftedMail() {}

    /** An ordinary ham mail, to send before and after a bomb. */
    public static String ham(String subject) {
        return "From: alice@example.org\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: "
                + subject
                + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + "Hi Bob, are we still meeting for lunch tomorrow at noon? Alice\r\n";
    }

    /**
     * A single-part mail whose quoted-printable body is {@code breaks} soft line breaks ({@code
     * =\r\n}) and a little text: about 120 KB for the default count.
     */
    public static String qpBomb(int breaks) {
        return "From: mallory@example.net\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: quoted-printable bomb\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"
                + "\r\n"
                + "=\r\n".repeat(breaks)
                + "WIN a free prize now\r\n";
    }

    /** {@link #qpBomb(int)} with {@link #QP_SOFT_BREAKS}. */
    public static String qpBomb() {
        return qpBomb(QP_SOFT_BREAKS);
    }

    /** The same soft-break bomb, with the quoted-printable encoding on the multipart itself. */
    public static String qpMultipartBomb(int breaks) {
        String boundary = "b0undary";
        return "From: mallory@example.net\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: quoted-printable multipart bomb\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\""
                + boundary
                + "\"\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"
                + "\r\n"
                + "--"
                + boundary
                + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "\r\n"
                + "=\r\n".repeat(breaks)
                + "WIN a free prize now\r\n"
                + "--"
                + boundary
                + "--\r\n";
    }

    /** {@link #qpMultipartBomb(int)} with {@link #QP_SOFT_BREAKS}. */
    public static String qpMultipartBomb() {
        return qpMultipartBomb(QP_SOFT_BREAKS);
    }

    /** A mail whose Subject is {@code subjectBytes} long and folded after every two-letter word. */
    public static String foldBomb(int subjectBytes) {
        StringBuilder subject = new StringBuilder(subjectBytes + 16);
        while (subject.length() < subjectBytes) {
            subject.append("ab\r\n ");
        }
        return "From: mallory@example.net\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: "
                + subject
                + "end\r\n"
                + "Content-Type: text/plain\r\n"
                + "\r\n"
                + "Cheap meds, click here\r\n";
    }

    /** {@link #foldBomb(int)} with {@link #FOLDED_SUBJECT_BYTES}. */
    public static String foldBomb() {
        return foldBomb(FOLDED_SUBJECT_BYTES);
    }

    /** A mail as the bytes a server receives. */
    public static byte[] bytes(String mail) {
        return mail.getBytes(StandardCharsets.US_ASCII);
    }
}
