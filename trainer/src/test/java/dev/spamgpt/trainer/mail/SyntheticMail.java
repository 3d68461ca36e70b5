package dev.spamgpt.trainer.mail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a seeded, labelled folder of synthetic mail ({@code ham/} and {@code spam/} of {@code
 * .eml} files) for measuring the from-scratch mail recipe. No real corpus is used.
 *
 * <p>The mix is built so that neither a bag of words nor a sequence model wins for free:
 *
 * <ul>
 *   <li><b>Lexical signal</b> (about half the spam): pharma, lottery and 419 mails use words ham
 *       rarely uses; ham newsletters and offers borrow some of them ("prize", "offer", "free").
 *   <li><b>Order and negation signal</b> (the other half): phishing copies the notification and
 *       invoice templates ham uses. Spam puts the call to action and its link first, before any
 *       context; ham gives the context first and the link last. Part of that phishing says "you
 *       need to verify" where the real mail says "you do not need to"; the rest ({@code copyShare},
 *       default half) copies the real wording verbatim, so that its bag of words is the real mail's
 *       and only the order tells them apart.
 *   <li><b>Quoted spam</b> (a tenth of the ham): a user forwards a phishing mail to a colleague
 *       with a line of their own first. Most of its words are spam's.
 *   <li><b>Sender mismatch</b>: phishing claims a brand in the text but comes From an unrelated
 *       domain. The core extraction keeps only the Subject and the body, so this signal is in the
 *       file but not in the text the model sees.
 *   <li><b>Label noise</b>: {@code noise} of the mails (default 1.5%) are filed under the wrong
 *       label, so no recipe can reach 100%.
 * </ul>
 *
 * <p>Structure: From, To, Subject, Date, Message-ID; {@code multipart/alternative} with a text part
 * (quoted-printable or base64) and an HTML part; signatures and quoted replies in personal ham.
 *
 * <p>Run: {@code java ... SyntheticMail OUT_DIR COUNT [SEED] [NOISE] [COPY_SHARE]}.
 */
public final class SyntheticMail {

    private static final List<String> BRANDS =
            List.of("PayBank", "ShopNow", "CloudBox", "MailHub", "TaxOffice", "ParcelGo");
    private static final List<String> NAMES =
            List.of("Anna", "Ben", "Carla", "David", "Eva", "Frank", "Grace", "Hugo", "Iris");
    private static final List<String> TOPICS =
            List.of(
                    "the quarterly report",
                    "Thursday's meeting",
                    "the budget draft",
                    "the school trip",
                    "the release plan",
                    "dinner on Saturday",
                    "the contract review");
    private static final List<String> ACCOUNT_EVENTS =
            List.of(
                    "a new sign-in to your account",
                    "a change to your password",
                    "an update to your payment details",
                    "a login from a new device");
    private static final List<String> PHARMA =
            List.of("viagra", "cialis", "pills", "pharmacy", "prescription", "weight loss");
    private static final List<String> NEWS =
            List.of(
                    "new features in our app",
                    "our spring sale",
                    "five tips for your garden",
                    "the winners of our photo contest",
                    "events in your city");

    /** Sentences both classes use between the sentences that matter. */
    private static final List<String> FILLER =
            List.of(
                    "This message was sent automatically.",
                    "Thank you for being a customer.",
                    "Your security matters to us.",
                    "Please keep this mail for your records.",
                    "We are here to help.");

    /** The default percentage of phishing that copies the real template's words verbatim. */
    public static final int DEFAULT_COPY_SHARE = 50;

    private final Random random;
    private final int copyShare;

    /**
     * Creates a generator.
     *
     * @param seed the seed: the same seed gives the same mails
     */
    public SyntheticMail(long seed) {
        this(seed, DEFAULT_COPY_SHARE);
    }

    /**
     * Creates a generator.
     *
     * @param seed the seed: the same seed gives the same mails
     * @param copyShare the percentage of phishing notifications and invoices that copy the real
     *     template's words verbatim (0 to 100)
     */
    public SyntheticMail(long seed, int copyShare) {
        if (copyShare < 0 || copyShare > 100) {
            throw new IllegalArgumentException("copyShare must be 0 to 100, got " + copyShare);
        }
        this.random = new Random(seed);
        this.copyShare = copyShare;
    }

    /**
     * Writes {@code count} mails, half ham and half spam before noise, to {@code out/ham} and
     * {@code out/spam}.
     *
     * @param out the folder
     * @param count how many mails
     * @param noise the share of mails filed under the wrong label
     * @return the number of mails filed under the wrong label
     * @throws IOException if a file cannot be written
     */
    public int write(Path out, int count, double noise) throws IOException {
        Files.createDirectories(out.resolve("ham"));
        Files.createDirectories(out.resolve("spam"));
        int flipped = 0;
        for (int i = 0; i < count; i++) {
            boolean spam = i % 2 == 1;
            String mail = spam ? spam(i) : ham(i);
            boolean flip = random.nextDouble() < noise;
            flipped += flip ? 1 : 0;
            String folder = spam ^ flip ? "spam" : "ham";
            Files.writeString(
                    out.resolve(folder).resolve(String.format(Locale.ROOT, "%06d.eml", i)),
                    mail,
                    StandardCharsets.UTF_8);
        }
        return flipped;
    }

    private String ham(int i) {
        int kind = random.nextInt(10);
        String brand = pick(BRANDS);
        String domain = brand.toLowerCase(Locale.ROOT) + ".example.com";
        if (kind < 3) {
            return notification(i, brand, domain, false);
        } else if (kind < 5) {
            return invoice(i, brand, domain, false);
        } else if (kind < 7) {
            return newsletter(i, brand, domain);
        } else if (kind < 8) {
            return forward(i, brand);
        }
        return personal(i);
    }

    /**
     * Ham that quotes spam: a user forwards a phishing mail to a colleague and asks about it. Its
     * words are mostly the phishing mail's; only the frame around them, first, says ham.
     */
    private String forward(int i, String brand) {
        String me = pick(NAMES);
        String quoted =
                random.nextBoolean()
                        ? notificationBody(brand, true)
                        : invoiceBody(brand, "INV-" + (10000 + random.nextInt(89999)), true);
        String body =
                "Hi "
                        + pick(NAMES)
                        + ",\n\n"
                        + pick(
                                List.of(
                                        "Is this one real? ",
                                        "I got this today, looks odd to me. ",
                                        "Can you check this mail for me? ",
                                        "FYI, another one of these. "))
                        + "\n\n---------- Forwarded message ----------\n"
                        + quoted
                        + "\n";
        return mail(
                i,
                me.toLowerCase(Locale.ROOT) + "@corp.example.com",
                "Fwd: " + pick(List.of("Security alert", "Your account", "Invoice", "Payment")),
                body);
    }

    private String spam(int i) {
        int kind = random.nextInt(10);
        String brand = pick(BRANDS);
        String from =
                "support@"
                        + pick(
                                List.of(
                                        "secure-mail.example.net",
                                        "acc-verify.example.org",
                                        "notice-center.example.info",
                                        domainOf(pick(BRANDS))));
        if (kind < 3) {
            return notification(i, brand, from, true);
        } else if (kind < 5) {
            return invoice(i, brand, from, true);
        } else if (kind < 7) {
            String what = pick(PHARMA);
            String body =
                    maybe("Hello,\n\n")
                            + "Cheap "
                            + what
                            + " with no prescription. Our online pharmacy ships discreetly, "
                            + pick(List.of("free delivery", "special offer", "best price"))
                            + " this week.\n\nOrder now: http://"
                            + pick(List.of("meds-store", "rx-direct", "pharma24"))
                            + ".example.biz/"
                            + random.nextInt(999)
                            + "\n";
            return mail(i, from, pick(List.of("Best price ", "Save on ", "")) + what, body);
        } else if (kind < 9) {
            String body =
                    "Dear winner,\n\nYour e-mail address was selected in our international"
                            + " lottery and you have won a prize of "
                            + (1 + random.nextInt(9))
                            + ",000,000 EUR. To claim your prize, send your name, address and"
                            + " bank details to our claims agent.\n\n"
                            + maybe("Keep this confidential.\n")
                            + "Claims office\n";
            return mail(
                    i,
                    from,
                    pick(List.of("You have won", "Prize notification", "Congratulations")),
                    body);
        }
        String body =
                "Dear friend,\n\nI am "
                        + pick(NAMES)
                        + ", the son of a late minister. I need a trusted partner to transfer"
                        + " funds of 12 million dollars out of the country. You will keep 30%"
                        + ". Please reply with your bank account details.\n\nGod bless,\n"
                        + pick(NAMES)
                        + "\n";
        return mail(
                i,
                from,
                pick(List.of("Urgent business proposal", "Confidential request", "Partnership")),
                body);
    }

    private String notificationBody(String brand, boolean phishing) {
        String event = pick(ACCOUNT_EVENTS);
        String context =
                "We noticed "
                        + event
                        + " on "
                        + ZonedDateTime.of(
                                        2024,
                                        1 + random.nextInt(12),
                                        1 + random.nextInt(28),
                                        8,
                                        0,
                                        0,
                                        0,
                                        ZoneOffset.UTC)
                                .format(DateTimeFormatter.ISO_LOCAL_DATE)
                        + " from "
                        + pick(List.of("Berlin", "Lyon", "Madrid", "Oslo", "Leeds"))
                        + ".";
        String link =
                "https://"
                        + brand.toLowerCase(Locale.ROOT)
                        + (phishing && random.nextInt(3) == 0
                                ? "-login.example.com"
                                : ".example.com")
                        + "/account/security";
        String cta = "Please verify your account: " + link + " .";
        String calm =
                phishing && !copiesWording()
                        ? "If this was not you, you need to verify."
                        : "If this was you, you do not need to verify.";
        return maybe("Hello " + pick(NAMES) + ",\n\n")
                + (phishing ? join(cta, calm, context) : join(context, calm, cta))
                + "\n\nThe "
                + brand
                + " security team\n";
    }

    /** Ham: context, then a calm note, then the link. Spam: the same words, order reversed. */
    private String notification(int i, String brand, String from, boolean phishing) {
        String body = notificationBody(brand, phishing);
        String subject =
                pick(List.of("Security alert", "Your account", "Action required", "New sign-in"))
                        + maybe(" - " + brand);
        return mail(i, phishing ? from : "no-reply@" + from, subject, body);
    }

    private String invoice(int i, String brand, String from, boolean phishing) {
        String number = "INV-" + (10000 + random.nextInt(89999));
        String body = invoiceBody(brand, number, phishing);
        return mail(i, phishing ? from : "billing@" + from, "Invoice " + number, body);
    }

    private String invoiceBody(String brand, String number, boolean phishing) {
        String amount = (10 + random.nextInt(490)) + "." + (10 + random.nextInt(89)) + " EUR";
        String context =
                "Thank you for your order. Invoice "
                        + number
                        + " for "
                        + amount
                        + " is attached to your account.";
        String link =
                "https://" + brand.toLowerCase(Locale.ROOT) + ".example.com/invoices/" + number;
        String cta = "Pay or view it here: " + link + " .";
        String due =
                phishing && !copiesWording()
                        ? "The payment is overdue; pay now to avoid a penalty."
                        : "The payment is not overdue; pay by the due date to avoid a penalty.";
        return maybe("Hello " + pick(NAMES) + ",\n\n")
                + (phishing ? join(cta, due, context) : join(context, due, cta))
                + "\n\n"
                + brand
                + " billing\n";
    }

    private String newsletter(int i, String brand, String domain) {
        String topic = pick(NEWS);
        String body =
                "This month at "
                        + brand
                        + ": "
                        + topic
                        + ". "
                        + maybe("Enter our contest for a chance to win a prize. ")
                        + maybe("Members get a free special offer this week. ")
                        + "Read more: https://"
                        + domain
                        + "/news\n\nYou receive this newsletter because you subscribed."
                        + " Unsubscribe: https://"
                        + domain
                        + "/unsubscribe\n";
        return mail(i, "news@" + domain, brand + " newsletter: " + topic, body);
    }

    private String personal(int i) {
        String me = pick(NAMES);
        String you = pick(NAMES);
        String topic = pick(TOPICS);
        String body =
                "Hi "
                        + you
                        + ",\n\n"
                        + pick(
                                List.of(
                                        "Thanks for the notes on ",
                                        "Could you look at ",
                                        "Quick question about ",
                                        "I attached "))
                        + topic
                        + ". "
                        + maybe("Let me know by Friday. ")
                        + maybe(
                                "The link is https://drive.example.com/d/"
                                        + random.nextInt(9999)
                                        + " ")
                        + "\n\nCheers,\n"
                        + me
                        + "\n-- \n"
                        + me
                        + " | +49 30 "
                        + (1000000 + random.nextInt(8999999))
                        + "\n"
                        + maybe(
                                "\nOn Monday, "
                                        + you
                                        + " wrote:\n> About "
                                        + topic
                                        + ", see the draft.\n> Thanks\n");
        return mail(
                i, me.toLowerCase(Locale.ROOT) + "@corp.example.com", maybe("Re: ") + topic, body);
    }

    private String mail(int i, String from, String subject, String text) {
        String boundary = "b" + Long.toHexString(random.nextLong());
        boolean base64 = random.nextBoolean();
        String encoded =
                base64
                        ? Base64.getMimeEncoder()
                                .encodeToString(text.getBytes(StandardCharsets.UTF_8))
                        : quotedPrintable(text);
        String html =
                "<html><body><p>"
                        + text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>")
                        + "</p></body></html>";
        return "From: "
                + from
                + "\r\nTo: user@home.example.org\r\nSubject: "
                + subject
                + "\r\nDate: Mon, 4 Mar 2024 10:"
                + String.format(Locale.ROOT, "%02d", i % 60)
                + ":00 +0000\r\nMessage-ID: <"
                + i
                + "."
                + Long.toHexString(random.nextLong())
                + "@mail.example.org>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=\""
                + boundary
                + "\"\r\n\r\n--"
                + boundary
                + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: "
                + (base64 ? "base64" : "quoted-printable")
                + "\r\n\r\n"
                + encoded
                + "\r\n--"
                + boundary
                + "\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
                + html
                + "\r\n--"
                + boundary
                + "--\r\n";
    }

    private static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            String piece;
            if (c == '\n') {
                out.append("\r\n");
                column = 0;
                continue;
            } else if (c == '=' || c > 126 || (c < 32 && c != '\t')) {
                piece = String.format(Locale.ROOT, "=%02X", c);
            } else {
                piece = String.valueOf((char) c);
            }
            if (column + piece.length() > 75) {
                out.append("=\r\n");
                column = 0;
            }
            out.append(piece);
            column += piece.length();
        }
        return out.toString();
    }

    /** Joins sentences with shared filler between them, so sentence-boundary pairs vary. */
    private String join(String... sentences) {
        StringBuilder out = new StringBuilder(sentences[0]);
        for (int k = 1; k < sentences.length; k++) {
            out.append(' ');
            if (random.nextInt(3) > 0) {
                out.append(pick(FILLER)).append(' ');
            }
            out.append(sentences[k]);
        }
        return out.toString();
    }

    private static String domainOf(String brand) {
        return brand.toLowerCase(Locale.ROOT) + "-service.example.net";
    }

    /**
     * Whether a phishing mail copies the real template's words verbatim, as phishers do: then only
     * the order (the call to action first) and the sender tell it from the real one.
     */
    private boolean copiesWording() {
        return random.nextInt(100) < copyShare;
    }

    private String maybe(String text) {
        return random.nextBoolean() ? text : "";
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /**
     * Writes a folder of synthetic mail.
     *
     * @param args OUT_DIR COUNT [SEED] [NOISE] [COPY_SHARE]
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 12;
        double noise = args.length > 3 ? Double.parseDouble(args[3]) : 0.015;
        int copyShare = args.length > 4 ? Integer.parseInt(args[4]) : DEFAULT_COPY_SHARE;
        int flipped = new SyntheticMail(seed, copyShare).write(out, count, noise);
        System.out.println(count + " mails in " + out + ", " + flipped + " with a flipped label");
    }
}
