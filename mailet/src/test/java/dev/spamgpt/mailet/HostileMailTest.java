package dev.spamgpt.mailet;

import static dev.spamgpt.mailet.Mails.RECIPIENT1;
import static dev.spamgpt.mailet.Mails.RECIPIENT2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.testing.CraftedMail;
import io.micrometer.core.instrument.Counter;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
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

    private void initMailet() throws Exception {
        mailet.init(
                FakeMailetConfig.builder()
                        .mailetName(instance)
                        .setProperty("model", bundle.toString())
                        .build());
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
        MimeMessageSource source =
                new MimeMessageSource() {
                    @Override
                    public String getSourceId() {
                        return "throws";
                    }

                    @Override
                    public InputStream getInputStream() {
                        throw error.get();
                    }
                };
        return Mails.mail(new MimeMessageWrapper(source));
    }

    private static List<String> statuses(Mail mail) throws Exception {
        List<String> all = new ArrayList<>();
        for (String rcpt : List.of(RECIPIENT1, RECIPIENT2)) {
            all.addAll(
                    mail
                            .getPerRecipientSpecificHeaders()
                            .getHeadersForRecipient(new MailAddress(rcpt))
                            .stream()
                            .filter(h -> h.getName().equals(SpamGptClassifier.STATUS_HEADER))
                            .map(PerRecipientHeaders.Header::getValue)
                            .collect(Collectors.toList()));
        }
        return all;
    }

    private double mails(String verdict) {
        Counter counter =
                MetricsEndpoint.registry()
                        .find("spamgpt.mails")
                        .tags("instance", instance, "verdict", verdict)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    private double errors(String reason) {
        Counter counter =
                MetricsEndpoint.registry()
                        .find("spamgpt.errors")
                        .tags("instance", instance, "reason", reason)
                        .counter();
        return counter == null ? 0 : counter.count();
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

        FakeMail next = Mails.plain("You are a WINNER", "Claim your prize now.");
        mailet.service(next);
        assertThat(statuses(next)).containsOnly("Yes, score=0.97 required=0.50");
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
        assertThat(matcher.match(Mails.plain("You are a WINNER", "Claim now."))).hasSize(2);
    }

    @Test
    void serviceShouldMarkErrorWhenReadingTheMailOverflowsTheStack() throws Exception {
        initMailet();
        FakeMail mail = mailThatThrowsWhenRead(() -> new StackOverflowError("deep MIME"));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(statuses(mail))
                .hasSize(2)
                .allSatisfy(
                        s ->
                                assertThat(s)
                                        .startsWith("No, error=no readable text: extraction failed")
                                        .contains("StackOverflowError"));
        assertThat(mails("error")).isEqualTo(1);
        assertThat(errors("read")).isEqualTo(1);
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void serviceShouldMarkErrorWhenReadingTheMailThrowsAnyOtherError() throws Exception {
        initMailet();
        FakeMail mail = mailThatThrowsWhenRead(() -> new NoClassDefFoundError("javax/mail/Gone"));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(statuses(mail))
                .allSatisfy(
                        s ->
                                assertThat(s)
                                        .startsWith("No, error=no readable text: extraction failed")
                                        .contains("NoClassDefFoundError"));
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
        FakeMail mail = Mails.plain("You are a WINNER", "Claim your prize now.");

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(statuses(mail))
                .allSatisfy(
                        s ->
                                assertThat(s)
                                        .startsWith("No, error=the model failed")
                                        .contains("StackOverflowError"));
        assertThat(mails("error")).isEqualTo(1);
        assertThat(errors("model")).isEqualTo(1);

        scorer.error = null;
        FakeMail next = Mails.plain("You are a WINNER", "Claim your prize now.");
        mailet.service(next);
        assertThat(statuses(next)).containsOnly("Yes, score=0.97 required=0.50");
    }

    @Test
    void matchShouldNotMatchWhenTheModelOverflowsTheStack() throws Exception {
        initMatcher();
        scorer.error = new StackOverflowError("deep tokenizer");

        assertThat(matcher.match(Mails.plain("You are a WINNER", "Claim now."))).isEmpty();
        assertThat(errors("model")).isEqualTo(1);
    }

    @Test
    void serviceShouldRethrowAnOutOfMemoryErrorFromTheModelAndKeepItsWorker() throws Exception {
        mailet.init(
                FakeMailetConfig.builder()
                        .mailetName(instance)
                        .setProperty("model", bundle.toString())
                        .setProperty("inferenceThreads", "1")
                        .build());
        scorer.error = new OutOfMemoryError("native tensor");

        assertThatThrownBy(() -> mailet.service(Mails.plain("You are a WINNER", "Claim now.")))
                .isInstanceOf(OutOfMemoryError.class)
                .hasMessageContaining("native tensor");

        scorer.error = null;
        FakeMail next = Mails.plain("You are a WINNER", "Claim your prize now.");
        mailet.service(next);
        assertThat(statuses(next)).containsOnly("Yes, score=0.97 required=0.50");
    }
}
