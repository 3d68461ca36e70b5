package dev.spamgpt.mailet;

import static dev.spamgpt.mailet.Mails.RECIPIENT1;
import static dev.spamgpt.mailet.Mails.RECIPIENT2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.testing.CraftedMail;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hardening review's hostile mails, and failures injected where extraction and scoring run:
 * whatever one mail does, the mailet and the matcher give it a verdict and go on with the next
 * mail. Only a fatal {@link VirtualMachineError} (not a {@link StackOverflowError}) is rethrown.
 */
class HostileMailTest {

    private static final String READ_FAILED = "No, error=no readable text: extraction failed";

    @TempDir Path bundle;

    private KeywordScorer scorer;
    private SpamGptClassifier mailet;
    private IsSpamGpt matcher;
    private String instance;

    @BeforeEach
    void setUp() {
        scorer = new KeywordScorer();
        mailet = new SpamGptClassifier(scorer.factory());
        matcher = new IsSpamGpt(scorer.factory());
        // The registry is shared by the whole JVM: a name of its own keeps this test's counts
        // apart.
        instance = "hostile-" + System.nanoTime();
    }

    @AfterEach
    void tearDown() {
        mailet.destroy();
        matcher.destroy();
    }

    private FakeMailetConfig.Builder mailetConfig() {
        return FakeMailetConfig.builder()
                .mailetName(instance)
                .setProperty("model", bundle.toString());
    }

    private void initMailet() throws Exception {
        mailet.init(mailetConfig().build());
    }

    private void initMatcher() throws Exception {
        matcher.init(
                FakeMatcherConfig.builder()
                        .matcherName(instance)
                        .condition("0.5,model=" + bundle)
                        .build());
    }

    private static String bomb(String name) {
        switch (name) {
            case "qpBomb":
                return CraftedMail.qpBomb();
            case "qpMultipartBomb":
                return CraftedMail.qpMultipartBomb();
            case "foldBomb":
                return CraftedMail.foldBomb();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static FakeMail mail(String raw) throws Exception {
        return Mails.mail(Mails.parse(CraftedMail.bytes(raw)));
    }

    /** A spooled mail whose every read throws what the supplier gives. */
    private static FakeMail mailThatThrowsWhenRead(Supplier<Error> error) throws Exception {
        return Mails.spooled(
                "throws",
                () -> {
                    throw error.get();
                });
    }

    private static List<String> statuses(Mail mail) throws Exception {
        List<String> all = new ArrayList<>();
        for (String rcpt : List.of(RECIPIENT1, RECIPIENT2)) {
            all.addAll(Mails.recipientHeaders(mail, rcpt, SpamGptClassifier.STATUS_HEADER));
        }
        return all;
    }

    /** Asserts that both recipients have one error status, starting so and naming the error. */
    private static void assertErrorStatuses(Mail mail, String start, String error)
            throws Exception {
        assertThat(statuses(mail))
                .hasSize(2)
                .allSatisfy(s -> assertThat(s).startsWith(start).contains(error));
    }

    /** Services a spam mail and asserts that it is scored: the mailet goes on after a failure. */
    private void assertTheNextMailIsScored() throws Exception {
        FakeMail next = Mails.spam();
        mailet.service(next);
        assertThat(statuses(next)).containsOnly("Yes, score=0.97 required=0.50");
    }

    private double mails(String verdict) {
        return count("spamgpt.mails", "verdict", verdict);
    }

    private double errors(String reason) {
        return count("spamgpt.errors", "reason", reason);
    }

    private double count(String counter, String tag, String value) {
        Counter found =
                MetricsEndpoint.registry()
                        .find(counter)
                        .tags("instance", instance, tag, value)
                        .counter();
        return found == null ? 0 : found.count();
    }

    private double allMails() {
        return mails("spam") + mails("ham") + mails("skipped") + mails("error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"qpBomb", "qpMultipartBomb", "foldBomb"})
    void serviceShouldGiveAHostileMailAVerdictAndScoreTheNextMail(String name) throws Exception {
        initMailet();
        FakeMail hostile = mail(bomb(name));

        assertThatCode(() -> mailet.service(hostile)).doesNotThrowAnyException();

        List<String> statuses = statuses(hostile);
        assertThat(statuses)
                .hasSize(2)
                .allMatch(s -> s.matches("(Yes|No), score=.*|No, error=.*"), "a verdict");
        assertThat(allMails()).isEqualTo(1);
        if (statuses.get(0).startsWith("No, error=")) {
            assertThat(mails("error")).isEqualTo(1);
            assertThat(errors("read")).isEqualTo(1);
        }

        assertTheNextMailIsScored();
    }

    @ParameterizedTest
    @ValueSource(strings = {"qpBomb", "qpMultipartBomb", "foldBomb"})
    void matchShouldNotThrowOnAHostileMailAndScoreTheNextMail(String name) throws Exception {
        initMatcher();
        FakeMail hostile = mail(bomb(name));

        assertThatCode(() -> matcher.match(hostile)).doesNotThrowAnyException();

        assertThat(allMails()).isEqualTo(1);
        boolean scored =
                hostile.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE))
                        .isPresent();
        assertThat(mails("error")).isEqualTo(scored ? 0 : 1);
        assertThat(matcher.match(Mails.spam())).hasSize(2);
    }

    @Test
    void serviceShouldMarkErrorWhenReadingTheMailOverflowsTheStack() throws Exception {
        initMailet();
        FakeMail mail = mailThatThrowsWhenRead(() -> new StackOverflowError("deep MIME"));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertErrorStatuses(mail, READ_FAILED, "StackOverflowError");
        assertThat(mails("error")).isEqualTo(1);
        assertThat(errors("read")).isEqualTo(1);
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void serviceShouldMarkErrorWhenReadingTheMailThrowsAnyOtherError() throws Exception {
        initMailet();
        FakeMail mail = mailThatThrowsWhenRead(() -> new NoClassDefFoundError("javax/mail/Gone"));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertErrorStatuses(mail, READ_FAILED, "NoClassDefFoundError");
        assertThat(mails("error")).isEqualTo(1);
    }

    @Test
    void serviceShouldRethrowAnOutOfMemoryErrorFromReading() throws Exception {
        initMailet();
        FakeMail mail = mailThatThrowsWhenRead(() -> new OutOfMemoryError("Java heap space"));

        assertThatThrownBy(() -> mailet.service(mail)).isInstanceOf(OutOfMemoryError.class);
    }

    @Test
    void matchShouldNotMatchWhenReadingTheMailOverflowsTheStack() throws Exception {
        initMatcher();
        FakeMail mail = mailThatThrowsWhenRead(() -> new StackOverflowError("deep MIME"));

        Collection<MailAddress> matched = matcher.match(mail);

        assertThat(matched).isEmpty();
        assertThat(mails("error")).isEqualTo(1);
        assertThat(errors("read")).isEqualTo(1);
    }

    @Test
    void serviceShouldMarkErrorAndScoreTheNextMailWhenTheModelOverflowsTheStack() throws Exception {
        initMailet();
        scorer.error = new StackOverflowError("deep tokenizer");
        FakeMail mail = Mails.spam();

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertErrorStatuses(mail, "No, error=the model failed", "StackOverflowError");
        assertThat(mails("error")).isEqualTo(1);
        assertThat(errors("model")).isEqualTo(1);

        scorer.error = null;
        assertTheNextMailIsScored();
    }

    @Test
    void matchShouldNotMatchWhenTheModelOverflowsTheStack() throws Exception {
        initMatcher();
        scorer.error = new StackOverflowError("deep tokenizer");

        assertThat(matcher.match(Mails.spam())).isEmpty();
        assertThat(errors("model")).isEqualTo(1);
    }

    @Test
    void serviceShouldRethrowAnOutOfMemoryErrorFromTheModelAndKeepItsWorker() throws Exception {
        mailet.init(mailetConfig().setProperty("inferenceThreads", "1").build());
        scorer.error = new OutOfMemoryError("native tensor");

        assertThatThrownBy(() -> mailet.service(Mails.spam()))
                .isInstanceOf(OutOfMemoryError.class)
                .hasMessageContaining("native tensor");

        scorer.error = null;
        assertTheNextMailIsScored();
    }
}
