package dev.spamgpt.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotedPrintableLenientTest {

    private static DecodedBytes decode(String qp) {
        return QuotedPrintableLenient.decode(qp.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(DecodedBytes decoded) {
        return new String(decoded.bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void escapesShouldDecodeInEitherCase() {
        DecodedBytes decoded = decode("caf=C3=a9 x=3Dy");

        assertThat(decoded.bytes).isEqualTo("café x=y".getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.damaged).isFalse();
    }

    @Test
    void softLineBreaksShouldBeRemovedWhateverTheLineEnd() {
        DecodedBytes decoded = decode("one =\r\ntwo=\nthree=  \t\r\nfour=\rfive =");

        assertThat(text(decoded)).isEqualTo("one twothreefourfive ");
        assertThat(decoded.damaged).isFalse();
    }

    @Test
    void manySoftLineBreaksShouldNotOverflowTheStack() {
        DecodedBytes decoded = decode("=\r\n".repeat(1_000_000) + "end");

        assertThat(text(decoded)).isEqualTo("end");
    }

    @Test
    void blanksEndingALineShouldBeRemovedButEncodedOnesKept() {
        assertThat(text(decode("a  \r\nb\t\nc =20\r\nd  "))).isEqualTo("a\r\nb\nc  \r\nd");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "a=zzb|a=zzb",
                "a=4|a=4",
                "a=4g|a=4g",
                "a= b|a= b",
                "=|''",
                "x==41|x=A",
            })
    void malformedEscapesShouldBeKeptLiterally(String qp, String expected) {
        DecodedBytes decoded = decode(qp);

        assertThat(text(decoded)).isEqualTo(expected);
        assertThat(decoded.damaged).isEqualTo(!qp.equals("="));
    }

    @Test
    void eightBitAndControlBytesShouldBeKeptAsTheyAre() {
        byte[] raw = {'a', (byte) 0xE9, 0, 0x1B, 'b'};

        DecodedBytes decoded = QuotedPrintableLenient.decode(raw);

        assertThat(decoded.bytes).isEqualTo(raw);
        assertThat(decoded.damaged).isFalse();
    }

    /** On well-formed input it must agree with javax.mail's decoder (which recurses). */
    @Test
    void encodedBytesShouldDecodeAsJavaxMailDecodesThem() throws Exception {
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 200; i++) {
            byte[] original = new byte[random.nextInt(400)];
            random.nextBytes(original);
            java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream out =
                    javax.mail.internet.MimeUtility.encode(encoded, "quoted-printable")) {
                out.write(original);
            }

            DecodedBytes decoded = QuotedPrintableLenient.decode(encoded.toByteArray());

            // Not always the original: the encoder writes a lone CR or LF as a CRLF line end.
            byte[] expected =
                    javax.mail.internet.MimeUtility.decode(
                                    new java.io.ByteArrayInputStream(encoded.toByteArray()),
                                    "quoted-printable")
                            .readAllBytes();
            assertThat(decoded.bytes).isEqualTo(expected);
            assertThat(decoded.damaged).isFalse();
        }
    }

    @Test
    void outputShouldNeverBeLongerThanInput() {
        java.util.Random random = new java.util.Random(7);
        byte[] alphabet = "=\r\n \tAF09az".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2_000; i++) {
            byte[] raw = new byte[random.nextInt(64)];
            for (int j = 0; j < raw.length; j++) {
                raw[j] = alphabet[random.nextInt(alphabet.length)];
            }
            assertThat(QuotedPrintableLenient.decode(raw).bytes.length)
                    .isLessThanOrEqualTo(raw.length);
        }
    }
}
