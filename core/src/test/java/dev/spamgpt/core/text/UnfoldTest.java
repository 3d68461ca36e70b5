package dev.spamgpt.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import javax.mail.internet.MimeUtility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnfoldTest {

    /** The one-pass unfolding must give what javax.mail's (quadratic) one gives. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "plain",
                "Win a\r\n prize",
                "Win a\r\n\t \tprize\r\n now",
                "\r\n leading fold",
                "two\r\n \r\n folds",
                "bare\nLF\n fold and\r lone CR",
                "escaped\\\r\n line",
                "escaped\\\r\nbreak",
                "break\r\nwithout blank",
                "trailing fold\r\n ",
                "=?utf-8?Q?Caf=C3=A9?=\r\n =?utf-8?Q?_au_lait?=",
                "",
            })
    void unfoldShouldMatchJavaxMail(String value) {
        assertThat(SubjectHeader.unfold(value)).isEqualTo(MimeUtility.unfold(value));
    }
}
