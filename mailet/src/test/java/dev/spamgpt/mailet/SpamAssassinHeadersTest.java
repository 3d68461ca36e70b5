package dev.spamgpt.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpamAssassinHeadersTest {

    /**
     * SpamAssassin's default Status header, {@code "_YESNO_, score=_SCORE_ required=_REQD_
     * tests=_TESTS_ autolearn=_AUTOLEARN_ version=_VERSION_"}, with its tags' own forms: a score
     * with one decimal, tests as a comma-separated list of rule names.
     */
    private static final String STATUS =
            "(Yes|No), score=-?\\d+\\.\\d required=\\d+\\.\\d tests=[A-Z0-9_]+(,[A-Z0-9_]+)*"
                    + " autolearn=(ham|spam|no|disabled|unavailable|failed) version=\\S+";

    @Test
    void theThresholdLandsOnRequiredAndEachPointIsAFactorOfEInTheOdds() {
        assertThat(SpamAssassinHeaders.score(0.5, 0.5)).isCloseTo(5.0, within(1e-9));
        assertThat(SpamAssassinHeaders.score(0.8, 0.8)).isCloseTo(5.0, within(1e-9));
        assertThat(SpamAssassinHeaders.score(0.99, 0.5))
                .isCloseTo(5.0 + Math.log(99), within(1e-9));
        assertThat(SpamAssassinHeaders.score(0.01, 0.5))
                .isCloseTo(5.0 - Math.log(99), within(1e-9));
        // Monotone, and spam exactly from the threshold up, as SpamAssassin's score >= required.
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= 1000; i++) {
            double p = i / 1000.0;
            double score = SpamAssassinHeaders.score(p, 0.7);
            assertThat(score).isGreaterThanOrEqualTo(previous);
            assertThat(score >= SpamAssassinHeaders.REQUIRED).isEqualTo(p >= 0.7 - 1e-12);
            previous = score;
        }
        assertThat(SpamAssassinHeaders.score(1.0, 0.5)).isFinite().isLessThan(20);
        assertThat(SpamAssassinHeaders.score(0.0, 0.5)).isFinite().isGreaterThan(-10);
    }

    @Test
    void scoresAndStarsLookLikeSpamAssassins() {
        assertThat(SpamAssassinHeaders.format(9.649)).isEqualTo("9.6");
        assertThat(SpamAssassinHeaders.format(-0.04)).isEqualTo("0.0");
        assertThat(SpamAssassinHeaders.format(-1.26)).isEqualTo("-1.3");
        assertThat(SpamAssassinHeaders.level(9.6)).isEqualTo("*********");
        assertThat(SpamAssassinHeaders.level(0.9)).isEmpty();
        assertThat(SpamAssassinHeaders.level(-3)).isEmpty();
        assertThat(SpamAssassinHeaders.level(400)).hasSize(50);
    }

    @Test
    void theStatusFollowsSpamAssassinsDefaultLayout() throws Exception {
        javax.mail.internet.MimeMessage message = Mails.spam().getMessage();
        message.setHeader(SpamAssassinHeaders.FLAG, "YES"); // forged by the sender
        SpamAssassinHeaders.write(message, Verdict.scored(0.03f, 0.5f, "m:1"), "m:1");
        assertThat(message.getHeader(SpamAssassinHeaders.FLAG)).isNull();
        assertThat(message.getHeader(SpamAssassinHeaders.STATUS)[0])
                .matches(STATUS)
                .startsWith("No, score=1.5 required=5.0 tests=SPAMGPT")
                .endsWith("version=m:1");

        SpamAssassinHeaders.write(message, Verdict.scored(0.97f, 0.5f, "m 2"), "m 2");
        assertThat(message.getHeader(SpamAssassinHeaders.FLAG)).containsExactly("YES");
        assertThat(message.getHeader(SpamAssassinHeaders.SCORE)).containsExactly("8.5");
        assertThat(message.getHeader(SpamAssassinHeaders.LEVEL)).containsExactly("********");
        assertThat(message.getHeader(SpamAssassinHeaders.STATUS)[0])
                .matches(STATUS)
                .isEqualTo(
                        "Yes, score=8.5 required=5.0 tests=SPAMGPT autolearn=disabled"
                                + " version=m_2");

        SpamAssassinHeaders.write(message, Verdict.error("model down"), "m:1");
        assertThat(message.getHeader(SpamAssassinHeaders.STATUS)).isNull();
        assertThat(message.getHeader(SpamAssassinHeaders.SCORE)).isNull();
    }
}
