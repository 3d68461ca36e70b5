package dev.spamgpt.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.text.MessageText.Limits;
import dev.spamgpt.core.text.MessageText.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import java.util.Random;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

class MessageTextTest {

    private static final Limits LIMITS = Limits.defaults();

    /** Joins lines with CRLF, as on the wire. */
    private static byte[] mail(String... lines) {
        return (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Result extract(String... lines) {
        return MessageText.fromMime(mail(lines), LIMITS);
    }

    private static String base64(String text, String charset) {
        return Base64.getMimeEncoder().encodeToString(text.getBytes(Charset.forName(charset)));
    }

    @Test
    void plainMessageShouldGiveSubjectThenBody() {
        Result result =
                extract(
                        "From: a@example.com",
                        "Subject: Win a prize",
                        "Content-Type: text/plain; charset=utf-8",
                        "",
                        "Call 0906 now.",
                        "Offer ends today!");

        assertThat(result.text()).isEqualTo("Win a prize\nCall 0906 now.\nOffer ends today!");
        assertThat(result.hasText()).isTrue();
        assertThat(result.truncated()).isFalse();
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void messageWithoutContentTypeShouldBeReadAsPlainText() {
        assertThat(extract("Subject: hi", "", "see you at 5").text()).isEqualTo("hi\nsee you at 5");
    }

    @Test
    void alternativeShouldPreferThePlainPart() {
        Result result =
                extract(
                        "Subject: Meeting",
                        "MIME-Version: 1.0",
                        "Content-Type: multipart/alternative; boundary=\"b1\"",
                        "",
                        "--b1",
                        "Content-Type: text/html; charset=utf-8",
                        "",
                        "<p>HTML version</p>",
                        "--b1",
                        "Content-Type: text/plain; charset=utf-8",
                        "",
                        "Plain version",
                        "--b1--");

        assertThat(result.text()).isEqualTo("Meeting\nPlain version");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void alternativeShouldFallBackToHtmlWhenThePlainPartIsEmpty() {
        Result result =
                extract(
                        "Subject: s",
                        "Content-Type: multipart/alternative; boundary=b1",
                        "",
                        "--b1",
                        "Content-Type: text/plain",
                        "",
                        "   ",
                        "--b1",
                        "Content-Type: text/html",
                        "",
                        "<b>bold offer</b>",
                        "--b1--");

        assertThat(result.text()).isEqualTo("s\nbold offer");
    }

    @Test
    void htmlOnlyShouldBecomeTextWithoutScriptsOrStyles() {
        Result result =
                extract(
                        "Subject: =?UTF-8?B?"
                                + Base64.getEncoder()
                                        .encodeToString(
                                                "Ваш приз ✓".getBytes(StandardCharsets.UTF_8))
                                + "?=",
                        "Content-Type: text/html; charset=UTF-8",
                        "",
                        "<html><head><title>ignored title</title><style>p {color:red}</style>",
                        "<script>alert('x')</script></head><body>",
                        "<h1>Congratulations</h1><p>You&nbsp;won &pound;1000 &amp; a   trip.</p>",
                        "<div>Click<br>here</div><table><tr><td>a</td><td>b</td></tr></table>",
                        "<script>var hidden = 1;</script></body></html>");

        assertThat(result.text())
                .isEqualTo(
                        "Ваш приз ✓\nCongratulations\nYou won £1000 & a trip.\nClick\nhere\na b");
        assertThat(result.text()).doesNotContain("alert", "color", "hidden", "ignored title");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void htmlWithoutHeaderCharsetShouldUseItsMetaCharset() {
        byte[] head = mail("Subject: meta", "Content-Type: text/html", "");
        byte[] body =
                ("<html><head><meta charset=\"windows-1252\"></head>"
                                + "<body>caf\u00e9 \u20ac5</body></html>")
                        .getBytes(Charset.forName("windows-1252"));
        byte[] raw = concat(head, body);

        assertThat(MessageText.fromMime(raw, LIMITS).text()).isEqualTo("meta\ncafé €5");
    }

    @Test
    void base64Latin1ShouldBeDecoded() {
        Result result =
                extract(
                        "Subject: =?ISO-8859-1?Q?D=E9j=E0_vu?=",
                        "Content-Type: text/plain; charset=ISO-8859-1",
                        "Content-Transfer-Encoding: base64",
                        "",
                        base64("Café crème, déjà payé. Ñandú.", "ISO-8859-1"));

        assertThat(result.text()).isEqualTo("Déjà vu\nCafé crème, déjà payé. Ñandú.");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void quotedPrintableWindows1252ShouldBeDecoded() {
        // 0x80 is the euro sign and 0x93/0x94 curly quotes in windows-1252.
        Result result =
                extract(
                        "Subject: price",
                        "Content-Type: text/plain; charset=windows-1252",
                        "Content-Transfer-Encoding: quoted-printable",
                        "",
                        "Only =80100 for =93premium=94 members, a very long line that is soft-=",
                        "wrapped here.");

        assertThat(result.text())
                .isEqualTo(
                        "price\nOnly €100 for “premium” members, a very long line that is"
                                + " soft-wrapped here.");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void latin1LabelShouldBeReadAsWindows1252LikeBrowsersDo() {
        Result result =
                extract(
                        "Subject: x",
                        "Content-Type: text/plain; charset=iso-8859-1",
                        "Content-Transfer-Encoding: quoted-printable",
                        "",
                        "=80 5");
        assertThat(result.text()).isEqualTo("x\n€ 5");
    }

    @Test
    void koi8rShouldBeDecodedInBodyAndSubject() {
        Result result =
                extract(
                        "Subject: =?KOI8-R?B?" + base64("Скидка", "KOI8-R").trim() + "?=",
                        "Content-Type: text/plain; charset=\"koi8-r\"",
                        "Content-Transfer-Encoding: base64",
                        "",
                        base64("Только сегодня: скидка 50%!", "KOI8-R"));

        assertThat(result.text()).isEqualTo("Скидка\nТолько сегодня: скидка 50%!");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void nestedMultipartsShouldBeWalkedInOrderAndAttachmentsSkipped() {
        Result result =
                extract(
                        "Subject: Invoice",
                        "Content-Type: multipart/mixed; boundary=outer",
                        "",
                        "preamble is not text",
                        "--outer",
                        "Content-Type: multipart/alternative; boundary=alt",
                        "",
                        "--alt",
                        "Content-Type: text/plain; charset=utf-8",
                        "",
                        "Please find the invoice.",
                        "--alt",
                        "Content-Type: multipart/related; boundary=rel",
                        "",
                        "--rel",
                        "Content-Type: text/html",
                        "",
                        "<p>HTML twin</p>",
                        "--rel",
                        "Content-Type: image/png",
                        "Content-Transfer-Encoding: base64",
                        "",
                        "iVBORw0KGgo=",
                        "--rel--",
                        "--alt--",
                        "--outer",
                        "Content-Type: application/pdf; name=invoice.pdf",
                        "Content-Disposition: attachment; filename=invoice.pdf",
                        "Content-Transfer-Encoding: base64",
                        "",
                        "JVBERi0xLjQK",
                        "--outer",
                        "Content-Type: text/plain; name=notes.txt",
                        "Content-Disposition: attachment; filename=notes.txt",
                        "",
                        "attached notes must not appear",
                        "--outer",
                        "Content-Type: text/plain",
                        "Content-Disposition: inline",
                        "",
                        "Footer: unsubscribe here.",
                        "--outer--",
                        "epilogue");

        assertThat(result.text())
                .isEqualTo("Invoice\nPlease find the invoice.\nFooter: unsubscribe here.");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void attachedMessageShouldBeWalked() {
        Result result =
                extract(
                        "Subject: Fwd: you won",
                        "Content-Type: multipart/mixed; boundary=m",
                        "",
                        "--m",
                        "Content-Type: text/plain",
                        "",
                        "Is this spam?",
                        "--m",
                        "Content-Type: message/rfc822",
                        "Content-Disposition: attachment; filename=orig.eml",
                        "",
                        "Subject: You won a car",
                        "Content-Type: text/plain; charset=utf-8",
                        "Content-Transfer-Encoding: quoted-printable",
                        "",
                        "Claim it =E2=9C=93 now",
                        "--m--");

        assertThat(result.text())
                .isEqualTo("Fwd: you won\nIs this spam?\nYou won a car\nClaim it ✓ now");
    }

    @Test
    void messageWithoutTextShouldHaveNoText() {
        Result result =
                extract(
                        "Content-Type: multipart/mixed; boundary=x",
                        "",
                        "--x",
                        "Content-Type: image/gif",
                        "Content-Transfer-Encoding: base64",
                        "",
                        "R0lGODlhAQABAAAAACw=",
                        "--x--");

        assertThat(result.hasText()).isFalse();
        assertThat(result.text()).isEmpty();
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void emptyInputShouldGiveEmptyText() {
        Result result = MessageText.fromMime(new byte[0], LIMITS);
        assertThat(result.text()).isEmpty();
        assertThat(result.hasText()).isFalse();
        assertThat(result.truncated()).isFalse();
        assertThat(result.problems()).isEmpty();

        assertThat(MessageText.fromMime(new ByteArrayInputStream(new byte[0]), LIMITS).hasText())
                .isFalse();
    }

    @Test
    void invalidUtf8ShouldBecomeReplacementCharacters() {
        byte[] raw =
                concat(
                        mail("Subject: bad bytes", "Content-Type: text/plain; charset=utf-8", ""),
                        new byte[] {
                            'o',
                            'k',
                            ' ',
                            (byte) 0xC3,
                            ' ',
                            (byte) 0xFF,
                            (byte) 0xFE,
                            ' ',
                            'e',
                            'n',
                            'd'
                        });

        Result result = MessageText.fromMime(raw, LIMITS);

        assertThat(result.text()).isEqualTo("bad bytes\nok \uFFFD \uFFFD\uFFFD end");
        assertThat(result.problems()).singleElement().asString().contains("UTF-8", "U+FFFD");
    }

    @Test
    void unknownCharsetShouldFallBackAndBeReported() {
        Result result =
                extract(
                        "Subject: s",
                        "Content-Type: text/plain; charset=x-no-such-charset",
                        "",
                        "still readable");

        assertThat(result.text()).isEqualTo("s\nstill readable");
        assertThat(result.problems()).singleElement().asString().contains("x-no-such-charset");
    }

    @Test
    void truncatedBase64ShouldKeepWhatWasDecoded() {
        String encoded =
                base64("The first part survives. " + "x".repeat(300), "UTF-8").replace("\r\n", "");
        Result result =
                extract(
                        "Subject: cut",
                        "Content-Type: text/plain",
                        "Content-Transfer-Encoding: base64",
                        "",
                        encoded.substring(0, encoded.length() - 3) + "!!*");

        assertThat(result.text()).startsWith("cut\nThe first part survives.");
    }

    @Test
    void multipartWithoutBoundaryParameterShouldStillBeRead() {
        Result result =
                extract(
                        "Subject: no boundary param",
                        "Content-Type: multipart/mixed",
                        "",
                        "--zzz",
                        "Content-Type: text/plain",
                        "",
                        "body text",
                        "--zzz--");

        assertThat(result.text()).isEqualTo("no boundary param\nbody text");
    }

    @Test
    void multipartWhoseBoundaryNeverAppearsShouldBeReadAsPlainText() {
        Result result =
                extract(
                        "Subject: broken",
                        "Content-Type: multipart/mixed; boundary=\"never\"",
                        "",
                        "Just some text without any boundary lines.");

        assertThat(result.text())
                .contains("broken")
                .contains("Just some text without any boundary");
        assertThat(result.problems()).isNotEmpty();
    }

    @Test
    void multipartWithoutClosingBoundaryShouldKeepItsParts() {
        Result result =
                extract(
                        "Subject: s",
                        "Content-Type: multipart/mixed; boundary=b",
                        "",
                        "--b",
                        "Content-Type: text/plain",
                        "",
                        "first part",
                        "--b",
                        "Content-Type: text/plain",
                        "",
                        "second part, cut off");

        assertThat(result.text()).isEqualTo("s\nfirst part\nsecond part, cut off");
        assertThat(result.problems()).anyMatch(p -> p.contains("closing boundary"));
    }

    @Test
    void unknownTransferEncodingShouldBeReadAsIs() {
        Result result =
                extract(
                        "Subject: s",
                        "Content-Type: text/plain",
                        "Content-Transfer-Encoding: x-weird",
                        "",
                        "plain anyway");

        assertThat(result.text()).isEqualTo("s\nplain anyway");
        assertThat(result.problems()).singleElement().asString().contains("x-weird");
    }

    @Test
    void malformedContentTypeShouldKeepItsBaseType() {
        Result result =
                extract(
                        "Subject: s",
                        "Content-Type: text/html; charset=\"utf-8; broken=(",
                        "",
                        "<p>html body</p>");

        assertThat(result.text()).isEqualTo("s\nhtml body");
    }

    @Test
    void inputWithoutHeadersShouldBeReadAsPlainBody() {
        Result result =
                MessageText.fromMime(
                        "just an SMS, no headers at all\nline two".getBytes(StandardCharsets.UTF_8),
                        LIMITS);

        assertThat(result.text()).isEqualTo("just an SMS, no headers at all\nline two");
        assertThat(result.problems()).singleElement().asString().contains("no MIME headers");
    }

    @Test
    void mboxFromLineShouldBeSkipped() {
        Result result =
                extract(
                        "From someone@example.com Thu Nov 26 14:00:00 2026",
                        "Subject: from mbox",
                        "",
                        "body");
        assertThat(result.text()).isEqualTo("from mbox\nbody");
    }

    @Test
    void rawUtf8HeadersShouldBeDecoded() {
        assertThat(extract("Subject: Grüße aus Köln", "", "x").text())
                .isEqualTo("Grüße aus Köln\nx");
    }

    @Test
    void randomGarbageShouldNeverThrow() {
        Random random = new Random(42);
        byte[] valid =
                mail(
                        "Subject: s",
                        "Content-Type: multipart/mixed; boundary=b",
                        "",
                        "--b",
                        "Content-Type: text/plain; charset=koi8-r",
                        "Content-Transfer-Encoding: base64",
                        "",
                        base64("Привет мир", "KOI8-R"),
                        "--b",
                        "Content-Type: message/rfc822",
                        "",
                        "Content-Type: text/html; charset=utf-8",
                        "Content-Transfer-Encoding: quoted-printable",
                        "",
                        "<p>x=3Dy</p>",
                        "--b--");
        for (int i = 0; i < 500; i++) {
            byte[] garbage;
            if (i % 2 == 0) {
                garbage = new byte[random.nextInt(2000)];
                random.nextBytes(garbage);
            } else {
                garbage = valid.clone();
                for (int j = 0; j < 1 + random.nextInt(20); j++) {
                    garbage[random.nextInt(garbage.length)] = (byte) random.nextInt(256);
                }
                garbage = java.util.Arrays.copyOf(garbage, random.nextInt(garbage.length + 1));
            }
            Result result = MessageText.fromMime(garbage, LIMITS);
            assertThat(result.text()).isNotNull();
            assertThat(result.text().length()).isLessThanOrEqualTo(LIMITS.maxChars());
        }
    }

    @Test
    void hugeStreamShouldOnlyBeReadUpToMaxBytes() {
        long fiftyMegabytes = 50L << 20;
        CountingMailStream stream = new CountingMailStream(fiftyMegabytes);

        Result result = MessageText.fromMime(stream, LIMITS);

        assertThat(result.truncated()).isTrue();
        assertThat(result.hasText()).isTrue();
        assertThat(result.text()).startsWith("Huge\nline 0 of a very long mail");
        assertThat(result.text().length()).isLessThanOrEqualTo(20_000);
        // One byte past the limit tells that the input goes on; nothing more is read.
        assertThat(stream.served).isEqualTo(LIMITS.maxBytes() + 1);
    }

    @Test
    void hugeByteArrayShouldOnlyParseItsPrefix() {
        CountingMailStream stream = new CountingMailStream(3L << 20);
        byte[] raw = new byte[3 << 20];
        int n = 0;
        while (n < raw.length) {
            n += stream.read(raw, n, raw.length - n);
        }
        Result result = MessageText.fromMime(raw, LIMITS.withMaxChars(100_000_000));

        assertThat(result.truncated()).isTrue();
        // Lines are 40 bytes: about 1 MiB / 40 of them fit; the prefix ends mid-file.
        assertThat(result.text()).contains("line 20000 ").doesNotContain("line 40000 ");
    }

    @Test
    void textShouldBeCappedAtMaxChars() {
        Result result =
                MessageText.fromMime(
                        mail("Subject: long", "", "word ".repeat(10_000)),
                        LIMITS.withMaxChars(1000));

        assertThat(result.text()).hasSize(1000).startsWith("long\nword word");
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void failingStreamShouldKeepWhatWasRead() {
        byte[] start = mail("Subject: cut", "", "the beginning");
        InputStream failing =
                new InputStream() {
                    private int i;

                    @Override
                    public int read() throws IOException {
                        if (i < start.length) {
                            return start[i++] & 0xFF;
                        }
                        throw new IOException("connection reset");
                    }
                };

        Result result = MessageText.fromMime(failing, LIMITS);

        assertThat(result.text()).isEqualTo("cut\nthe beginning");
        assertThat(result.truncated()).isTrue();
        assertThat(result.problems()).singleElement().asString().contains("connection reset");
    }

    @Test
    void fromMessageShouldMatchFromMimeForParsedMessages() throws Exception {
        byte[] raw =
                mail(
                        "Subject: =?utf-8?Q?Caf=C3=A9?=",
                        "Content-Type: multipart/alternative; boundary=b",
                        "",
                        "--b",
                        "Content-Type: text/plain; charset=windows-1252",
                        "Content-Transfer-Encoding: quoted-printable",
                        "",
                        "=80 5 only",
                        "--b--");
        MimeMessage message =
                new MimeMessage(
                        Session.getInstance(new Properties()), new ByteArrayInputStream(raw));

        Result fromMessage = MessageText.fromMessage(message, LIMITS);

        assertThat(fromMessage.text())
                .isEqualTo("Café\n€ 5 only")
                .isEqualTo(MessageText.fromMime(raw, LIMITS).text());
    }

    @Test
    void fromMessageShouldReadMessagesBuiltInMemoryWithoutChangingThem() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("Built in memory", "UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText("plain body ✓", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>html body</p>", "text/html; charset=UTF-8");
        alternative.addBodyPart(plain);
        alternative.addBodyPart(html);
        message.setContent(alternative);

        Result result = MessageText.fromMessage(message, LIMITS);

        assertThat(result.text()).isEqualTo("Built in memory\nplain body ✓");
        assertThat(message.getHeader("Message-ID")).isNull();
    }

    @Test
    void fromMessageShouldStopAtMaxBytes() throws Exception {
        byte[] raw = mail("Subject: big", "", "y".repeat(5000));
        MimeMessage message =
                new MimeMessage(
                        Session.getInstance(new Properties()), new ByteArrayInputStream(raw));

        Result result = MessageText.fromMessage(message, LIMITS.withMaxBytes(1000));

        assertThat(result.truncated()).isTrue();
        assertThat(result.text()).startsWith("big\nyyy");
        assertThat(result.text().length()).isLessThan(1000);
    }

    @Test
    void limitsShouldValidateAndBeImmutable() {
        Limits limits = Limits.defaults().withMaxBytes(10).withMaxChars(5);
        assertThat(limits.maxBytes()).isEqualTo(10);
        assertThat(limits.maxChars()).isEqualTo(5);
        assertThat(Limits.defaults().maxBytes()).isEqualTo(1 << 20);
        assertThat(Limits.defaults().maxChars()).isEqualTo(20_000);
        assertThatThrownBy(() -> Limits.defaults().withMaxBytes(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Limits.defaults().withMaxChars(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(a, 0, a.length);
        out.write(b, 0, b.length);
        return out.toByteArray();
    }

    /** A plain-text mail of the given size, generated on the fly; counts the bytes served. */
    private static final class CountingMailStream extends InputStream {
        private final long size;
        private final byte[] header = mail("Subject: Huge", "Content-Type: text/plain", "");
        private long served;
        private byte[] line = new byte[0];
        private int lineIndex;
        private int lineNo;

        CountingMailStream(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            if (served >= size) {
                return -1;
            }
            int b;
            if (served < header.length) {
                b = header[(int) served];
            } else {
                if (lineIndex == line.length) {
                    // 40 bytes a line.
                    line =
                            String.format("line %d of a very long mail%" + 40 + "s", lineNo++, "")
                                    .substring(0, 38)
                                    .concat("\r\n")
                                    .getBytes(StandardCharsets.US_ASCII);
                    lineIndex = 0;
                }
                b = line[lineIndex++];
            }
            served++;
            return b & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            int n = 0;
            while (n < length) {
                int b = read();
                if (b < 0) {
                    break;
                }
                buffer[offset + n++] = (byte) b;
            }
            return n == 0 && length > 0 ? -1 : n;
        }
    }
}
