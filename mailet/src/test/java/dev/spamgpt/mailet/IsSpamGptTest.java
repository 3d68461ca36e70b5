package dev.spamgpt.mailet;

import static dev.spamgpt.mailet.Mails.RECIPIENT1;
import static dev.spamgpt.mailet.Mails.RECIPIENT2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IsSpamGptTest {

    @TempDir Path bundle;

    private KeywordScorer scorer;
    private IsSpamGpt matcher;

    @BeforeEach
    void setUp() {
        scorer = new KeywordScorer();
        matcher = new IsSpamGpt(scorer.factory());
    }

    @AfterEach
    void tearDown() {
        matcher.destroy();
    }

    private void init(String condition) throws MessagingException {
        matcher.init(
                FakeMatcherConfig.builder().matcherName("IsSpamGpt").condition(condition).build());
    }

    private static FakeMail withScore(String attribute, double score) throws Exception {
        FakeMail mail = Mails.plain("Hello", "text");
        mail.setAttribute(new Attribute(AttributeName.of(attribute), AttributeValue.of(score)));
        return mail;
    }

    @Test
    void matchShouldReturnAllRecipientsWhenTheScoreReachesTheThreshold() throws Exception {
        init("0.8");

        assertThat(matcher.match(withScore(SpamGptClassifier.SCORE_ATTRIBUTE, 0.8)))
                .containsOnly(new MailAddress(RECIPIENT1), new MailAddress(RECIPIENT2));
    }

    @Test
    void matchShouldReturnNoRecipientWhenTheScoreIsBelowTheThreshold() throws Exception {
        init("0.8");

        assertThat(matcher.match(withScore(SpamGptClassifier.SCORE_ATTRIBUTE, 0.79))).isEmpty();
    }

    @Test
    void matchShouldReturnNoRecipientWhenThereIsNoScoreAndNoModel() throws Exception {
        init("0.1");

        assertThat(matcher.match(Mails.spam())).isEmpty();
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void matchShouldReadTheScoreTheMailetSet() throws Exception {
        SpamGptClassifier mailet = new SpamGptClassifier(scorer.factory());
        mailet.init(
                FakeMailetConfig.builder()
                        .mailetName("SpamGptClassifier")
                        .setProperty("model", bundle.toString())
                        .build());
        init("0.9");
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();
        try {
            mailet.service(spam);
            mailet.service(ham);
        } finally {
            mailet.destroy();
        }

        assertThat(matcher.match(spam)).hasSize(2);
        assertThat(matcher.match(ham)).isEmpty();
    }

    @Test
    void matchShouldReadAConfiguredAttribute() throws Exception {
        init("0.5, attribute=custom.score");

        assertThat(matcher.match(withScore("custom.score", 0.6))).hasSize(2);
        assertThat(matcher.match(withScore(SpamGptClassifier.SCORE_ATTRIBUTE, 0.6))).isEmpty();
    }

    @Test
    void matchShouldScoreTheMailItselfWhenGivenAModel() throws Exception {
        init("0.9,model=" + bundle);
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();

        assertThat(matcher.match(spam)).hasSize(2);
        assertThat(matcher.match(ham)).isEmpty();
        assertThat(spam.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE)))
                .isPresent();
        assertThat(scorer.texts).hasSize(2);
    }

    @Test
    void matchShouldNotScoreAgainAMailThatHasAScore() throws Exception {
        init("0.5,model=" + bundle);

        assertThat(matcher.match(withScore(SpamGptClassifier.SCORE_ATTRIBUTE, 0.6))).hasSize(2);
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void matchShouldNotMatchWhenTheModelFailsOnAMail() throws Exception {
        init("0.5,model=" + bundle);
        scorer.failure = new IllegalStateException("native crash");
        FakeMail mail = Mails.spam();

        assertThat(matcher.match(mail)).isEmpty();
        assertThat(mail.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE)))
                .isEmpty();
    }

    /** No threshold, one out of range, an unknown option. */
    @ParameterizedTest(name = "IsSpamGpt=\"{0}\"")
    @CsvSource({"'', IsSpamGpt=0.8", "80, '''80'''", "'0.5,modle=/x', modle"})
    void initShouldFailOnABadConditionNamingWhatIsWrong(String condition, String expected) {
        assertThatThrownBy(() -> init(condition))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void initShouldFailWhenTheModelFolderDoesNotExist() {
        assertThatThrownBy(() -> init("0.5,model=" + bundle.resolve("missing")))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("does not exist");
    }
}
