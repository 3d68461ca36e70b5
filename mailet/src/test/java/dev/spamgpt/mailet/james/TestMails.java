package dev.spamgpt.mailet.james;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/** Raw mails for the integration tests, each with an {@code X-Test-Id} header to find it again. */
final class TestMails {

    static final String SENDER = "sender@example.net";

    private static final String[] SMS = {
        "WINNER!! As a valued network customer you have been selected to receive a 900 prize"
                + " reward! To claim call 09061701461. Claim code KL341. Valid 12 hours only.",
        "Ok lar... Joking wif u oni...",
        "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121 to"
                + " receive entry question(std txt rate)",
        "I'm gonna be home soon and i don't want to talk about this stuff anymore tonight, k?",
        "URGENT! You have won a 1 week FREE membership in our 1000 Prize Jackpot! Txt the word:"
                + " CLAIM to No: 81010",
        "Even my brother is not like to speak with me. They treat me like aids patent.",
        "SIX chances to win CASH! From 100 to 20,000 pounds txt> CSH11 and send to 87575.",
        "Sorry, I'll call later in the meeting.",
    };

    private TestMails() {}

    private static String headers(String id, String subject, String to, String... extra) {
        StringBuilder s =
                new StringBuilder()
                        .append("From: ")
                        .append(SENDER)
                        .append("\r\n")
                        .append("To: ")
                        .append(to)
                        .append("\r\n")
                        .append("Subject: ")
                        .append(subject)
                        .append("\r\n")
                        .append("Message-ID: <")
                        .append(id)
                        .append("@spamgpt.test>\r\n")
                        .append("X-Test-Id: ")
                        .append(id)
                        .append("\r\n")
                        .append("MIME-Version: 1.0\r\n");
        for (String h : extra) {
            s.append(h).append("\r\n");
        }
        return s.toString();
    }

    static String plain(String id, String to, String subject, String body) {
        return headers(id, subject, to, "Content-Type: text/plain; charset=us-ascii")
                + "\r\n"
                + body
                + "\r\n";
    }

    /** The end-to-end set: SMS-like texts and every MIME shape the mailet must read. */
    static List<String> endToEnd(String to) {
        List<String> mails = new ArrayList<>();
        for (int i = 0; i < SMS.length; i++) {
            mails.add(plain("sms-" + i, to, "Message " + i, SMS[i]));
        }
        mails.add(
                headers("html-only", "Your reward", to, "Content-Type: text/html; charset=utf-8")
                        + "\r\n"
                        + "<html><head><style>p{color:red}</style></head><body><p>Dear"
                        + " customer,</p><p>you have been <b>selected</b> for a cash prize. Call"
                        + " now!</p></body></html>\r\n");
        mails.add(
                headers(
                                "alternative",
                                "Meeting notes",
                                to,
                                "Content-Type: multipart/alternative; boundary=\"alt\"")
                        + "\r\n"
                        + "--alt\r\n"
                        + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                        + "Here are the notes from today's meeting, see you on Monday.\r\n"
                        + "--alt\r\n"
                        + "Content-Type: text/html; charset=us-ascii\r\n\r\n"
                        + "<p>Here are the notes from <i>today's</i> meeting, see you on"
                        + " Monday.</p>\r\n"
                        + "--alt--\r\n");
        mails.add(
                headers(
                                "base64-latin1",
                                "Gewinnspiel",
                                to,
                                "Content-Type: text/plain; charset=ISO-8859-1",
                                "Content-Transfer-Encoding: base64")
                        + "\r\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        ("Herzlichen Glückwunsch! Sie haben einen Preis gewonnen."
                                                        + " Rufen Sie sofort an!")
                                                .getBytes(StandardCharsets.ISO_8859_1))
                        + "\r\n");
        mails.add(
                headers(
                                "qp-cp1252",
                                "Prix",
                                to,
                                "Content-Type: text/plain; charset=windows-1252",
                                "Content-Transfer-Encoding: quoted-printable")
                        + "\r\n"
                        + "Prix sp=E9cial =96 50 =80 seulement, d=E9p=EAchez-vous !\r\n");
        mails.add(
                headers("no-text", "", to, "Content-Type: multipart/mixed; boundary=\"m\"")
                        + "\r\n"
                        + "--m\r\n"
                        + "Content-Type: image/png; name=\"a.png\"\r\n"
                        + "Content-Disposition: attachment; filename=\"a.png\"\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA"
                        + "DUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n"
                        + "--m--\r\n");
        mails.add(
                headers(
                                "malformed",
                                "Broken =?x-unknown?Q?=FF?= mail",
                                to,
                                "Content-Type: multipart/mixed; boundary=\"never-closed\"")
                        + "\r\n"
                        + "--never-closed\r\n"
                        + "Content-Type: text/plain; charset=x-no-such-charset\r\n"
                        + "Content-Transfer-Encoding: base64\r\n\r\n"
                        + "V0lOTkVSIHRleHQ=!!!not base64***\r\n"
                        + "--never-closed\r\n"
                        + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                        + "Call now to claim your free prize, and then the mail just stops\r\n");
        StringBuilder big = new StringBuilder("Please find our quarterly report below.\r\n");
        while (big.length() < 400_000) {
            big.append(
                    "Revenue grew in every region; details follow in the tables of this"
                            + " report.\r\n");
        }
        mails.add(plain("big", to, "Quarterly report", big.toString()));
        return mails;
    }

    /** Mails for the load test: SMS-like texts of varied length, seeded. */
    static String load(int n, String to, Random random) {
        StringBuilder body = new StringBuilder(SMS[random.nextInt(SMS.length)]);
        int extra = random.nextInt(4);
        for (int i = 0; i < extra; i++) {
            body.append(' ').append(SMS[random.nextInt(SMS.length)]);
        }
        return plain("load-" + n, to, "Load " + n, body.toString());
    }
}
