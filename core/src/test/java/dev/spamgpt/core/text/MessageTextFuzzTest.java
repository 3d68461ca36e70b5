package dev.spamgpt.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.text.MessageText.Limits;
import dev.spamgpt.core.text.MessageText.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing of {@link MessageText}: realistic mails, then mutated (nesting depth,
 * transfer encodings and charsets both real and bogus, folding, broken boundaries, sizes, cut and
 * flipped bytes). Whatever the mail, extraction must return, never fail inside, and stay within its
 * limits.
 *
 * <p>The default suite runs 200 tries (set in {@code
 * src/test/resources/junit-platform.properties}). A longer run, from the project root:
 *
 * <pre>
 * ./mvnw -B -ntp -o -pl core -am test -Dtest=MessageTextFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Djqwik.tries.default=20000
 * </pre>
 *
 * A failure prints its seed; jqwik replays it first on the next run.
 */
class MessageTextFuzzTest {

    private static final Session SESSION = Session.getInstance(new Properties());

    private static final String[] PHRASES = {
        "WIN a free prize now",
        "Call 0906 to claim",
        "are we still meeting for lunch?",
        "Grüße aus Köln",
        "Привет, как дела",
        "今日は晴れです",
        "£1000 cash or a holiday",
        "click http://example.com/x?a=1&b=2",
        "=?utf-8?Q?not_a_header?=",
        "<b>bold</b> &amp; more",
        "line with trailing blanks   ",
        "tab\tseparated\tvalues",
        "\u00a0no-break\u00a0space",
    };

    enum BoundaryFault {
        NONE,
        NO_CLOSING,
        WRONG_PARAMETER,
        NO_PARAMETER,
        PARENTS_BOUNDARY,
        EMPTY_PARTS,
        GARBAGE_PREAMBLE
    }

    enum Folding {
        NONE,
        EVERY_WORD,
        BARE_LF,
        TAB_RUNS,
        ENCODED_WORDS,
        LONG
    }

    @Property
    void extractionShouldReturnAndStayBounded(
            @ForAll @IntRange(min = 0, max = 20) int depth,
            @ForAll("encodings") String encoding,
            @ForAll("charsets") String charset,
            @ForAll BoundaryFault boundaryFault,
            @ForAll Folding folding,
            @ForAll @IntRange(min = 0, max = 18) int sizeLog2,
            @ForAll @IntRange(min = 0, max = 40) int byteMutations,
            @ForAll boolean cut,
            @ForAll("limits") Limits limits,
            @ForAll long seed)
            throws IOException, MessagingException {
        Random random = new Random(seed);
        MailWriter writer =
                new MailWriter(random, encoding, charset, boundaryFault, folding, 1 << sizeLog2);
        byte[] raw = mutate(writer.message(depth), byteMutations, cut, random);

        Result result = MessageText.fromMime(raw, limits);

        assertBounded(result, limits);
        assertThat(result.truncated() || raw.length <= limits.maxBytes()).isTrue();
        Result streamed = MessageText.fromMime(new ByteArrayInputStream(raw), limits);
        assertThat(streamed.text()).isEqualTo(result.text());
        assertThat(streamed.problems()).isEqualTo(result.problems());
        MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        assertBounded(MessageText.fromMessage(parsed, limits), limits);
    }

    private static void assertBounded(Result result, Limits limits) {
        assertThat(result.text()).isNotNull();
        assertThat(result.text().length()).isLessThanOrEqualTo(limits.maxChars());
        assertThat(result.problems()).hasSizeLessThanOrEqualTo(50);
        // The catch-all in MessageText is the last resort: nothing here should need it.
        assertThat(result.problems()).noneMatch(p -> p.startsWith("extraction failed"));
    }

    @Provide
    Arbitrary<String> encodings() {
        return Arbitraries.of(
                "",
                "7bit",
                "8bit",
                "binary",
                "base64",
                "quoted-printable",
                "Quoted-Printable ",
                "BASE64",
                "x-rot13",
                "uuencode",
                "base64; junk");
    }

    @Provide
    Arbitrary<String> charsets() {
        return Arbitraries.of(
                "utf-8",
                "us-ascii",
                "iso-8859-1",
                "windows-1252",
                "koi8-r",
                "shift_jis",
                "utf-16",
                "x-no-such-charset",
                "",
                "\"utf-8\"",
                "utf-8; format=flowed",
                "utf-7");
    }

    @Provide
    Arbitrary<Limits> limits() {
        return Arbitraries.of(
                Limits.defaults(),
                Limits.defaults().withMaxChars(40),
                Limits.defaults().withMaxBytes(600),
                Limits.defaults().withMaxBytes(64 << 10).withMaxChars(1000));
    }

    /** Cuts, flips, inserts soft breaks and line breaks at random places. */
    private static byte[] mutate(byte[] mail, int mutations, boolean cut, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(mail.length + 64);
        byte[] current = mail;
        for (int i = 0; i < mutations && current.length > 0; i++) {
            int at = random.nextInt(current.length);
            out.reset();
            out.write(current, 0, at);
            switch (random.nextInt(5)) {
                case 0:
                    out.write(random.nextInt(256));
                    out.write(
                            current,
                            Math.min(current.length, at + 1),
                            Math.max(0, current.length - at - 1));
                    break;
                case 1:
                    byte[] breaks =
                            "=\r\n"
                                    .repeat(1 + random.nextInt(random.nextBoolean() ? 50 : 60_000))
                                    .getBytes(StandardCharsets.US_ASCII);
                    out.write(breaks, 0, breaks.length);
                    out.write(current, at, current.length - at);
                    break;
                case 2:
                    out.write(random.nextBoolean() ? '\n' : '\r');
                    out.write(current, at, current.length - at);
                    break;
                case 3:
                    int end = Math.min(current.length, at + random.nextInt(200));
                    out.write(current, end, current.length - end);
                    break;
                default:
                    byte[] junk = {'-', '-', '=', '?', ':', ';', '"', ' ', '\t', 0};
                    out.write(junk[random.nextInt(junk.length)]);
                    out.write(current, at, current.length - at);
                    break;
            }
            current = out.toByteArray();
        }
        if (cut && current.length > 0) {
            current = Arrays.copyOf(current, random.nextInt(current.length));
        }
        return current;
    }

    /** Writes one random mail along the dimensions a try was given. */
    private static final class MailWriter {
        private final Random random;
        private final String encoding;
        private final String charset;
        private final BoundaryFault boundaryFault;
        private final Folding folding;
        private final int bodyBytes;
        private int boundaries;

        MailWriter(
                Random random,
                String encoding,
                String charset,
                BoundaryFault boundaryFault,
                Folding folding,
                int bodyBytes) {
            this.random = random;
            this.encoding = encoding;
            this.charset = charset;
            this.boundaryFault = boundaryFault;
            this.folding = folding;
            this.bodyBytes = bodyBytes;
        }

        byte[] message(int depth) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(out, "From: " + fold("Mallory <mallory@example.net>") + "\r\n");
            write(out, "To: bob@example.org\r\n");
            write(out, "Subject: " + fold(subject()) + "\r\n");
            write(out, "MIME-Version: 1.0\r\n");
            entity(out, depth, null, true);
            return out.toByteArray();
        }

        /** Headers (after the caller's) and body of one entity, nesting {@code depth} more. */
        private void entity(
                ByteArrayOutputStream out, int depth, String parentBoundary, boolean main)
                throws IOException {
            if (depth == 0) {
                leaf(out, main);
                return;
            }
            int kind = random.nextInt(5);
            if (kind == 0) {
                write(out, "Content-Type: message/rfc822\r\n");
                if (random.nextInt(4) == 0) {
                    write(out, "Content-Disposition: attachment; filename=fwd.eml\r\n");
                }
                write(out, "\r\n");
                write(out, "Subject: " + fold(subject()) + "\r\n");
                entity(out, depth - 1, parentBoundary, main);
                return;
            }
            String subtype = new String[] {"mixed", "alternative", "related", "signed"}[kind - 1];
            String boundary =
                    boundaryFault == BoundaryFault.PARENTS_BOUNDARY && parentBoundary != null
                            ? parentBoundary
                            : "=_b" + (boundaries++) + "_" + Long.toHexString(random.nextLong());
            String declared =
                    boundaryFault == BoundaryFault.WRONG_PARAMETER ? boundary + "x" : boundary;
            write(
                    out,
                    "Content-Type: multipart/"
                            + subtype
                            + (boundaryFault == BoundaryFault.NO_PARAMETER
                                    ? ""
                                    : ";" + fold(" boundary=\"" + declared + "\""))
                            + "\r\n");
            // An encoding on a multipart is against RFC 2045, and what the QP bomb used.
            boolean encoded = random.nextInt(6) == 0;
            if (encoded) {
                write(out, "Content-Transfer-Encoding: " + encoding + "\r\n");
            }
            write(out, "\r\n");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (boundaryFault == BoundaryFault.GARBAGE_PREAMBLE) {
                write(body, "This is a multi-part message --" + boundary + "x\r\n");
            }
            int children = boundaryFault == BoundaryFault.EMPTY_PARTS ? 0 : 1 + random.nextInt(3);
            int mainChild = random.nextInt(Math.max(1, children));
            for (int i = 0; i < children; i++) {
                write(body, "--" + boundary + "\r\n");
                if (i == mainChild) {
                    entity(body, depth - 1, boundary, main);
                } else {
                    entity(body, random.nextInt(Math.min(depth, 3)), boundary, false);
                }
                write(body, "\r\n");
            }
            if (boundaryFault != BoundaryFault.NO_CLOSING) {
                write(body, "--" + boundary + "--\r\n");
            }
            byte[] bytes = body.toByteArray();
            out.write(encoded ? encode(bytes, encoding) : bytes);
        }

        private void leaf(ByteArrayOutputStream out, boolean main) throws IOException {
            int kind = random.nextInt(main ? 2 : 4);
            String leafEncoding =
                    main || random.nextBoolean()
                            ? encoding
                            : new String[] {"7bit", "base64", "quoted-printable"}
                                    [random.nextInt(3)];
            if (kind >= 2) {
                write(out, "Content-Type: image/png; name=x.png\r\n");
                write(
                        out,
                        "Content-Disposition: " + (kind == 2 ? "attachment" : "inline") + "\r\n");
                write(out, "Content-Transfer-Encoding: base64\r\n\r\n");
                byte[] image = new byte[random.nextInt(300)];
                random.nextBytes(image);
                write(out, Base64.getMimeEncoder().encodeToString(image) + "\r\n");
                return;
            }
            boolean html = kind == 1;
            String text = text(main ? bodyBytes : 1 + random.nextInt(200), html);
            write(
                    out,
                    "Content-Type: text/"
                            + (html ? "html" : "plain")
                            + (charset.isEmpty() ? "" : "; charset=" + charset)
                            + "\r\n");
            if (!leafEncoding.isEmpty()) {
                write(out, "Content-Transfer-Encoding: " + leafEncoding + "\r\n");
            }
            write(out, "\r\n");
            out.write(encode(bytes(text), leafEncoding));
            write(out, "\r\n");
        }

        private String text(int bytes, boolean html) {
            StringBuilder text = new StringBuilder(html ? "<html><body><p>" : "");
            while (text.length() < bytes) {
                text.append(PHRASES[random.nextInt(PHRASES.length)]);
                text.append(random.nextInt(8) == 0 ? (html ? "<br>\r\n" : "\r\n") : " ");
            }
            return text.append(html ? "</p></body></html>" : "").toString();
        }

        private String subject() {
            StringBuilder subject = new StringBuilder();
            int words =
                    folding == Folding.LONG
                            ? 5_000 + random.nextInt(20_000)
                            : 1 + random.nextInt(12);
            for (int i = 0; i < words; i++) {
                subject.append(i == 0 ? "" : " ").append(PHRASES[random.nextInt(PHRASES.length)]);
            }
            return subject.toString();
        }

        /** Folds (and with ENCODED_WORDS encodes) a header value the try's way. */
        private String fold(String value) {
            switch (folding) {
                case EVERY_WORD:
                case LONG:
                    return value.replace(" ", "\r\n ");
                case BARE_LF:
                    return value.replace(" ", "\n ");
                case TAB_RUNS:
                    return value.replace(" ", "\r\n\t\t ");
                case ENCODED_WORDS:
                    try {
                        return MimeUtility.encodeText(
                                        value, "utf-8", random.nextBoolean() ? "Q" : "B")
                                .replace("?= =?", "?=\r\n =?");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                default:
                    return value;
            }
        }

        /** The text in the try's charset, or UTF-8 where that charset does not exist. */
        private byte[] bytes(String text) {
            String name = charset.replace("\"", "").split(";", 2)[0].trim();
            try {
                return text.getBytes(Charset.forName(name));
            } catch (RuntimeException e) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
        }

        /**
         * Encodes with the given transfer encoding; an unknown one leaves the bytes as they are.
         */
        private byte[] encode(byte[] bytes, String name) throws IOException {
            String lower = name.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("base64", "quoted-printable", "uuencode").contains(lower)) {
                return bytes;
            }
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(bytes.length * 2);
            try (OutputStream out = MimeUtility.encode(encoded, lower)) {
                out.write(bytes);
            } catch (MessagingException e) {
                throw new IOException(e);
            }
            return encoded.toByteArray();
        }

        private static void write(ByteArrayOutputStream out, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
        }
    }
}
