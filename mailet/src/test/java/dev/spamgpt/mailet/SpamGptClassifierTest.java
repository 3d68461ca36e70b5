package dev.spamgpt.mailet;

import static dev.spamgpt.mailet.Mails.RECIPIENT1;
import static dev.spamgpt.mailet.Mails.RECIPIENT2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.transport.matchers.IsMarkedAsSpam;
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
import org.junit.jupiter.params.provider.CsvSource;

class SpamGptClassifierTest {

    @TempDir Path bundle;

    private KeywordScorer scorer;
    private SpamGptClassifier mailet;

    @BeforeEach
    void setUp() {
        scorer = new KeywordScorer();
        mailet = new SpamGptClassifier(scorer.factory());
    }

    @AfterEach
    void tearDown() {
        mailet.destroy();
    }

    private FakeMailetConfig.Builder config() {
        return FakeMailetConfig.builder()
                .mailetName("SpamGptClassifier")
                .setProperty("model", bundle.toString());
    }

    private static String status(Mail mail, String recipient) throws Exception {
        return onlyHeader(mail, recipient, SpamGptClassifier.STATUS_HEADER);
    }

    private static String flag(Mail mail, String recipient) throws Exception {
        return onlyHeader(mail, recipient, SpamGptClassifier.FLAG_HEADER);
    }

    private static String onlyHeader(Mail mail, String recipient, String name) throws Exception {
        List<String> values = Mails.recipientHeaders(mail, recipient, name);
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** Inits the mailet with its default parameters and services the mail of these raw lines. */
    private FakeMail serviceWithDefaults(String... rawLines) throws Exception {
        mailet.init(config().build());
        FakeMail mail = Mails.mail(Mails.parse(rawLines));
        mailet.service(mail);
        return mail;
    }

    private Future<?> serviceOn(ExecutorService james, FakeMail mail) {
        return james.submit(
                () -> {
                    mailet.service(mail);
                    return null;
                });
    }

    /** A boring body of at least {@code chars} characters, without the spam word. */
    private static String newsletter(int chars) {
        StringBuilder body = new StringBuilder();
        while (body.length() < chars) {
            body.append("This is a long and boring newsletter line.\r\n");
        }
        return body.toString();
    }

    @ParameterizedTest(name = "spam: {0}")
    @CsvSource({
        "true, 'Yes, score=0.97 required=0.50', YES",
        "false, 'No, score=0.03 required=0.50', NO"
    })
    void serviceShouldMarkEveryRecipientWithTheVerdictOfTheScoreAgainstTheThreshold(
            boolean spam, String status, String flag) throws Exception {
        mailet.init(config().build());
        FakeMail mail = spam ? Mails.spam() : Mails.ham();

        mailet.service(mail);

        for (String rcpt : List.of(RECIPIENT1, RECIPIENT2)) {
            assertThat(status(mail, rcpt)).isEqualTo(status);
            assertThat(flag(mail, rcpt)).isEqualTo(flag);
        }
    }

    @Test
    void serviceShouldStoreTheScoreAsMailAttribute() throws Exception {
        mailet.init(config().build());
        FakeMail mail = Mails.spam();

        mailet.service(mail);

        assertThat(mail.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE)))
                .hasValueSatisfying(
                        a ->
                                assertThat(a.getValue().value())
                                        .isEqualTo((double) KeywordScorer.SPAM_SCORE));
    }

    @Test
    void serviceShouldLetIsMarkedAsSpamMatchOnlySpam() throws Exception {
        mailet.init(config().build());
        IsMarkedAsSpam matcher = new IsMarkedAsSpam();
        matcher.init(
                FakeMatcherConfig.builder()
                        .matcherName("IsMarkedAsSpam")
                        .condition(SpamGptClassifier.STATUS_HEADER)
                        .build());
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();

        mailet.service(spam);
        mailet.service(ham);

        assertThat(matcher.match(spam))
                .containsOnly(new MailAddress(RECIPIENT1), new MailAddress(RECIPIENT2));
        assertThat(matcher.match(ham)).isEmpty();
    }

    /** The spam mail scores 0.97: a threshold above it makes it ham, one equal to it spam. */
    @ParameterizedTest(name = "threshold {0}")
    @CsvSource({
        "0.99, 'No, score=0.97 required=0.99', NO",
        "0.97, 'Yes, score=0.97 required=0.97', YES"
    })
    void serviceShouldUseTheThresholdParameterInsteadOfTheBundles(
            String threshold, String status, String flag) throws Exception {
        mailet.init(config().setProperty("threshold", threshold).build());
        FakeMail mail = Mails.spam();

        mailet.service(mail);

        assertThat(status(mail, RECIPIENT1)).isEqualTo(status);
        assertThat(flag(mail, RECIPIENT1)).isEqualTo(flag);
    }

    @Test
    void serviceShouldUseTheBundlesThresholdByDefault() throws Exception {
        mailet.init(config().build());

        assertThat(mailet.threshold()).isEqualTo(scorer.threshold());
    }

    @Test
    void serviceShouldUseConfiguredHeaderAndAttributeNames() throws Exception {
        mailet.init(
                config().setProperty("statusHeaderName", "x.status")
                        .setProperty("flagHeaderName", "x.flag")
                        .setProperty("scoreAttributeName", "x.score")
                        .build());
        FakeMail mail = Mails.spam();

        mailet.service(mail);

        assertThat(Mails.recipientHeaders(mail, RECIPIENT1, "x.status"))
                .containsExactly("Yes, score=0.97 required=0.50");
        assertThat(Mails.recipientHeaders(mail, RECIPIENT1, "x.flag")).containsExactly("YES");
        assertThat(Mails.recipientHeaders(mail, RECIPIENT1, SpamGptClassifier.STATUS_HEADER))
                .isEmpty();
        assertThat(mail.getAttribute(AttributeName.of("x.score"))).isPresent();
    }

    /** Spam is tagged, ham is not, and spam that has the tag already is not tagged again. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'You are a WINNER', 'Claim your prize now.', '[SPAM] You are a WINNER'",
        "'Lunch tomorrow?', 'Shall we meet at noon?', 'Lunch tomorrow?'",
        "'[SPAM] You are a WINNER', 'Claim your prize now.', '[SPAM] You are a WINNER'"
    })
    void serviceShouldTagTheSubjectOfSpamOnceWhenTagSubjectIsSet(
            String subject, String body, String tagged) throws Exception {
        mailet.init(config().setProperty("tagSubject", "[SPAM]").build());
        FakeMail mail = Mails.plain(subject, body);

        mailet.service(mail);

        assertThat(mail.getMessage().getSubject()).isEqualTo(tagged);
    }

    @Test
    void serviceShouldKeepNonAsciiSubjectsWhenTagging() throws Exception {
        mailet.init(config().setProperty("tagSubject", "[SPAM]").build());
        FakeMail mail =
                Mails.mail(
                        Mails.parse(
                                "Subject: =?UTF-8?Q?Gl=C3=BCckwunsch_WINNER?=",
                                "Content-Type: text/plain; charset=utf-8",
                                "",
                                "Claim now."));

        mailet.service(mail);

        assertThat(mail.getMessage().getSubject()).isEqualTo("[SPAM] Glückwunsch WINNER");
    }

    @Test
    void serviceShouldWriteSpamHeadersIntoTheMessageWhenAddHeadersIsTrue() throws Exception {
        mailet.init(config().setProperty("addHeaders", "true").build());
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();

        mailet.service(spam);
        mailet.service(ham);

        assertThat(spam.getMessage().getHeader(SpamGptClassifier.SPAM_FLAG_HEADER))
                .containsExactly("YES");
        assertThat(spam.getMessage().getHeader(SpamGptClassifier.SPAM_SCORE_HEADER))
                .containsExactly("0.97");
        assertThat(ham.getMessage().getHeader(SpamGptClassifier.SPAM_FLAG_HEADER))
                .containsExactly("NO");
        assertThat(ham.getMessage().getHeader(SpamGptClassifier.SPAM_SCORE_HEADER))
                .containsExactly("0.03");
    }

    @Test
    void spamAssassinHeadersReplaceTheSimpleOnesInSpamAssassinsLayout() throws Exception {
        mailet.init(
                config().setProperty("addHeaders", "true")
                        .setProperty("spamAssassinHeaders", "true")
                        .build());
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();

        mailet.service(spam);
        mailet.service(ham);

        assertThat(spam.getMessage().getHeader("X-Spam-Status")[0])
                .startsWith("Yes, score=")
                .contains(" required=5.0 tests=SPAMGPT ");
        assertThat(spam.getMessage().getHeader("X-Spam-Flag")).containsExactly("YES");
        assertThat(ham.getMessage().getHeader("X-Spam-Status")[0]).startsWith("No, score=");
        assertThat(ham.getMessage().getHeader("X-Spam-Flag")).isNull();
        assertThat(Double.parseDouble(spam.getMessage().getHeader("X-Spam-Score")[0]))
                .isGreaterThanOrEqualTo(5.0);
        assertThat(Double.parseDouble(ham.getMessage().getHeader("X-Spam-Score")[0]))
                .isLessThan(5.0);
    }

    @Test
    void mailAtOrAboveTheRejectThresholdGoesToTheRejectProcessor() throws Exception {
        mailet.init(
                config().setProperty("rejectThreshold", "0.9")
                        .setProperty("rejectSpamProcessor", "quarantine")
                        .build());
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();
        String hamState = ham.getState();

        mailet.service(spam);
        mailet.service(ham);

        assertThat(spam.getState()).isEqualTo("quarantine");
        assertThat(ham.getState()).isEqualTo(hamState);
    }

    @Test
    void rejectParametersAreCheckedTogetherAndAgainstTheSpamThreshold() {
        assertThatThrownBy(
                        () -> mailet.init(config().setProperty("rejectThreshold", "0.9").build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("go together");
        assertThatThrownBy(
                        () ->
                                mailet.init(
                                        config().setProperty("threshold", "0.8")
                                                .setProperty("rejectThreshold", "0.7")
                                                .setProperty("rejectSpamProcessor", "q")
                                                .build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("must not be below the spam threshold");
    }

    @Test
    void explainSpamAddsAReportToSpamOnlyAndRemovesForgedOnes() throws Exception {
        mailet.init(config().setProperty("explain", "spam").build());
        FakeMail spam = Mails.spam();
        FakeMail ham = Mails.ham();
        ham.getMessage().setHeader("X-SpamGPT-Report", "score=0.00 forged");

        mailet.service(spam);
        mailet.service(ham);

        assertThat(
                        javax.mail.internet.MimeUtility.unfold(
                                spam.getMessage().getHeader("X-SpamGPT-Report")[0]))
                .startsWith("score=0.97 required=0.50 model=")
                .contains("+6.95 \"WINNER\"");
        assertThat(ham.getMessage().getHeader("X-SpamGPT-Report")).isNull();
    }

    @Test
    void anExplanationPastItsBudgetIsSkippedAndCountedAndTheMailGoesOn() throws Exception {
        mailet.init(
                config().setProperty("explain", "all")
                        .setProperty("explainTimeout", "50ms")
                        .build());
        scorer.delayMillis = 400;
        FakeMail spam = Mails.spam();

        mailet.service(spam);

        assertThat(spam.getMessage().getHeader("X-SpamGPT-Report")).isNull();
        assertThat(
                        dev.spamgpt.mailet.MetricsEndpoint.registry()
                                .get("spamgpt.explanations")
                                .tag("outcome", "timeout")
                                .counter()
                                .count())
                .isPositive();
        assertThatThrownBy(() -> mailet.init(config().setProperty("explain", "some").build()))
                .hasMessageContaining("none, spam or all");
    }

    @Test
    void serviceShouldLeaveTheMessageAloneByDefault() throws Exception {
        mailet.init(config().build());
        FakeMail mail = Mails.spam();

        mailet.service(mail);

        assertThat(mail.getMessage().getHeader(SpamGptClassifier.SPAM_FLAG_HEADER)).isNull();
        assertThat(mail.getMessage().getSubject()).isEqualTo("You are a WINNER");
    }

    @Test
    void serviceShouldScoreSubjectAndPlainTextOfTheMail() throws Exception {
        mailet.init(config().build());

        mailet.service(Mails.ham());

        assertThat(scorer.lastText())
                .contains("Lunch tomorrow?")
                .contains("Shall we meet at noon?");
    }

    @Test
    void serviceShouldScoreOnlyTheStartOfAnOversizedMail() throws Exception {
        mailet.init(config().setProperty("maxBytes", "4096").build());
        FakeMail mail =
                Mails.plain("Monthly newsletter", newsletter(200_000) + "WINNER at the very end");

        mailet.service(mail);

        assertThat(scorer.lastText())
                .startsWith("Monthly newsletter")
                .doesNotContain(KeywordScorer.SPAM_WORD);
        assertThat(scorer.lastText().length()).isLessThan(4096);
        assertThat(status(mail, RECIPIENT1)).startsWith("No, score=");
    }

    @Test
    void serviceShouldReadNoMoreTextThanTheModelReads() throws Exception {
        String body = newsletter(60_000);
        mailet.init(config().setProperty("maxTokens", "200").build());
        mailet.service(Mails.plain("Monthly newsletter", body));
        int cut = scorer.lastText().length();
        mailet.destroy();
        mailet = new SpamGptClassifier(scorer.factory());
        mailet.init(config().build());
        mailet.service(Mails.plain("Monthly newsletter", body));

        // 16 characters per token the model reads; a scorer that reads texts whole gets 20,000.
        assertThat(cut).isLessThanOrEqualTo(200 * 16);
        assertThat(scorer.lastText().length()).isGreaterThan(cut).isLessThanOrEqualTo(20_000);
    }

    @Test
    void serviceShouldNeverReadMoreThanTheStartOfAHugeSpooledMail() throws Exception {
        mailet.init(config().setProperty("maxBytes", "65536").build());
        HugeSource source = new HugeSource(200L * 1024 * 1024);
        MimeMessageWrapper message = new MimeMessageWrapper(source);
        FakeMail mail = Mails.mail(message);

        mailet.service(mail);

        // 200 MB on "disk"; the mailet read the headers and its 64 KiB, plus stream buffers.
        assertThat(source.bytesRead.get()).isLessThan(1024 * 1024);
        assertThat(scorer.lastText()).startsWith("Huge");
        assertThat(status(mail, RECIPIENT1)).startsWith("No, score=");
    }

    @Test
    void serviceShouldNotLoadAHugeMailWhoseHeadersAnEarlierMailetChanged() throws Exception {
        // James's transport processor changes headers of every mail (RemoveMimeHeader bcc), after
        // which javax.mail parses the message: it must stay a view on the spooled file.
        mailet.init(config().setProperty("maxBytes", "65536").build());
        Path spooled = bundle.resolve("spooled.eml");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(spooled)) {
            out.write(
                    "Subject: Huge attachment\r\nContent-Type: text/plain\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] line =
                    "a long line of a very large mail that nobody should load whole\r\n"
                            .getBytes(StandardCharsets.US_ASCII);
            for (long written = 0; written < 48L << 20; written += line.length) {
                out.write(line);
            }
        }
        MimeMessageWrapper message =
                new MimeMessageWrapper(
                        new MimeMessageSource() {
                            @Override
                            public String getSourceId() {
                                return "spooled";
                            }

                            @Override
                            public InputStream getInputStream() throws IOException {
                                return new javax.mail.util.SharedFileInputStream(spooled.toFile());
                            }

                            @Override
                            public long getMessageSize() throws IOException {
                                return java.nio.file.Files.size(spooled);
                            }
                        });
        message.removeHeader("bcc");
        FakeMail mail = Mails.mail(message);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)
                        java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());

        mailet.service(mail);

        // 48 MB on disk; this thread allocated a few MB at most (the 64 KiB read, parsing,
        // headers).
        assertThat(threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before)
                .isLessThan(8L << 20);
        assertThat(scorer.lastText()).startsWith("Huge attachment");
        assertThat(status(mail, RECIPIENT1)).startsWith("No, score=");
    }

    @Test
    void serviceShouldPreferThePlainTextPartOfMultipartAlternative() throws Exception {
        FakeMail mail =
                serviceWithDefaults(
                        "Subject: Offer",
                        "MIME-Version: 1.0",
                        "Content-Type: multipart/alternative; boundary=\"b1\"",
                        "",
                        "--b1",
                        "Content-Type: text/plain; charset=us-ascii",
                        "",
                        "Plain text says WINNER",
                        "--b1",
                        "Content-Type: text/html; charset=us-ascii",
                        "",
                        "<html><body><p>HTML says something else</p></body></html>",
                        "--b1--",
                        "");

        assertThat(scorer.lastText())
                .contains("Plain text says WINNER")
                .doesNotContain("HTML says");
        assertThat(status(mail, RECIPIENT1)).startsWith("Yes, ");
    }

    @Test
    void serviceShouldScoreTheTextOfAnHtmlOnlyMail() throws Exception {
        FakeMail mail =
                serviceWithDefaults(
                        "Subject: Offer",
                        "MIME-Version: 1.0",
                        "Content-Type: text/html; charset=utf-8",
                        "",
                        "<html><head><style>p { color: red }</style><script>var x ="
                                + " 1;</script></head>",
                        "<body><p>Dear friend,</p><p>you are our <b>WINNER</b>"
                                + " today</p></body></html>");

        assertThat(scorer.lastText())
                .contains("Dear friend,")
                .contains("WINNER")
                .doesNotContain("<p>")
                .doesNotContain("color: red")
                .doesNotContain("var x");
        assertThat(status(mail, RECIPIENT1)).startsWith("Yes, ");
    }

    @Test
    void serviceShouldDecodeBase64TextInIso88591() throws Exception {
        String body = "Herzlichen Glückwunsch, Sie sind unser WINNER! Größter Preis.";
        FakeMail mail =
                serviceWithDefaults(
                        "Subject: Gewinn",
                        "MIME-Version: 1.0",
                        "Content-Type: text/plain; charset=ISO-8859-1",
                        "Content-Transfer-Encoding: base64",
                        "",
                        Base64.getMimeEncoder()
                                .encodeToString(body.getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(scorer.lastText()).contains(body);
        assertThat(status(mail, RECIPIENT1)).startsWith("Yes, ");
    }

    @Test
    void serviceShouldDecodeQuotedPrintableTextInWindows1252() throws Exception {
        serviceWithDefaults(
                "Subject: Prix",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=windows-1252",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "Prix sp=E9cial =96 50 =80 seulement, d=E9p=EAchez-vous=",
                " !",
                "");

        assertThat(scorer.lastText()).contains("Prix spécial – 50 € seulement, dépêchez-vous !");
    }

    @Test
    void serviceShouldDecodeAttachedTextButSkipBinaryAttachments() throws Exception {
        serviceWithDefaults(
                "Subject: Invoice",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"m\"",
                "",
                "--m",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "Please find the invoice attached.",
                "--m",
                "Content-Type: application/octet-stream; name=\"invoice.bin\"",
                "Content-Disposition: attachment; filename=\"invoice.bin\"",
                "Content-Transfer-Encoding: base64",
                "",
                Base64.getMimeEncoder()
                        .encodeToString(
                                "WINNER hidden in binary".getBytes(StandardCharsets.US_ASCII)),
                "--m--",
                "");

        assertThat(scorer.lastText())
                .contains("Please find the invoice attached.")
                .doesNotContain("WINNER");
    }

    @Test
    void serviceShouldSkipAMailWithoutAnyText() throws Exception {
        FakeMail mail =
                serviceWithDefaults(
                        "MIME-Version: 1.0",
                        "Content-Type: multipart/mixed; boundary=\"m\"",
                        "",
                        "--m",
                        "Content-Type: image/png; name=\"a.png\"",
                        "Content-Disposition: attachment; filename=\"a.png\"",
                        "Content-Transfer-Encoding: base64",
                        "",
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA"
                                + "DUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                        "--m--",
                        "");

        assertThat(status(mail, RECIPIENT1)).isEqualTo("No, skipped=no text");
        assertThat(flag(mail, RECIPIENT1)).isEqualTo("NO");
        assertThat(mail.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE)))
                .isEmpty();
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void serviceShouldScoreMalformedMimeOnWhatCanBeRead() throws Exception {
        mailet.init(config().build());
        FakeMail mail =
                Mails.mail(
                        Mails.parse(
                                "Subject: Broken =?x-unknown?Q?=FF?= mail",
                                "MIME-Version: 1.0",
                                "Content-Type: multipart/mixed; boundary=\"never-closed\"",
                                "",
                                "--never-closed",
                                "Content-Type: text/plain; charset=x-no-such-charset",
                                "Content-Transfer-Encoding: base64",
                                "",
                                "V0lOTkVSIHRleHQ=!!!not base64 at all***",
                                "--never-closed",
                                "Content-Type: text/plain; charset=us-ascii",
                                "",
                                "Readable WINNER part, and then the mail just stops"));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(scorer.lastText()).contains("Readable WINNER part");
        assertThat(status(mail, RECIPIENT1)).startsWith("Yes, score=");
    }

    @Test
    void serviceShouldScoreBytesThatAreNotMimeAtAll() throws Exception {
        mailet.init(config().build());
        byte[] garbage = new byte[3000];
        new java.util.Random(7).nextBytes(garbage);
        FakeMail mail = Mails.mail(Mails.parse(garbage));

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(status(mail, RECIPIENT1))
                .matches("No, (score=0\\.03 required=0\\.50|skipped=no text|error=.*)");
    }

    @Test
    void serviceShouldMarkAnUnreadableMailAsErrorWithoutThrowing() throws Exception {
        mailet.init(config().build());
        FakeMail mail =
                Mails.spooled(
                        "gone",
                        () -> {
                            throw new IOException("spool file vanished");
                        });

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(status(mail, RECIPIENT1)).startsWith("No, error=");
        assertThat(flag(mail, RECIPIENT1)).isEqualTo("NO");
        assertThat(scorer.texts).isEmpty();
    }

    @Test
    void serviceShouldMarkErrorWithoutThrowingWhenTheModelFailsOnAMail() throws Exception {
        mailet.init(config().build());
        scorer.failure = new IllegalStateException("native crash");
        FakeMail mail = Mails.spam();

        assertThatCode(() -> mailet.service(mail)).doesNotThrowAnyException();

        assertThat(status(mail, RECIPIENT1))
                .startsWith("No, error=the model failed")
                .contains("native crash");
        assertThat(flag(mail, RECIPIENT2)).isEqualTo("NO");
        assertThat(mail.getAttribute(AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE)))
                .isEmpty();
    }

    @Test
    void serviceShouldMarkErrorAndThrowWhenScoringTimesOut() throws Exception {
        mailet.init(config().setProperty("timeout", "200ms").build());
        scorer.gate = new CountDownLatch(1);
        FakeMail mail = Mails.spam();
        try {
            assertThatThrownBy(() -> mailet.service(mail))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("longer than 200 ms");
            assertThat(status(mail, RECIPIENT1))
                    .isEqualTo("No, error=scoring took longer than 200 ms");
        } finally {
            scorer.gate.countDown();
        }
    }

    @Test
    void serviceShouldNotLetOneFailingMailFailTheOthersOfItsBatch() throws Exception {
        mailet.init(
                config().setProperty("inferenceThreads", "1")
                        .setProperty("maxBatchSize", "8")
                        .build());
        scorer.failOnText = "POISON";
        scorer.gate = new CountDownLatch(1);
        ExecutorService james = Executors.newFixedThreadPool(6);
        try {
            // The first mail holds the only worker so that the next five wait and form one batch.
            List<FakeMail> mails = new ArrayList<>();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                FakeMail mail =
                        Mails.plain(
                                i == 3 ? "POISON" : "Note " + i, i % 2 == 0 ? "WINNER" : "hello");
                mails.add(mail);
                done.add(serviceOn(james, mail));
                if (i == 0) {
                    Thread.sleep(100);
                }
            }
            Thread.sleep(200);
            scorer.gate.countDown();
            for (int i = 0; i < 6; i++) {
                done.get(i).get(10, TimeUnit.SECONDS);
                if (i == 3) {
                    assertThat(status(mails.get(i), RECIPIENT1))
                            .startsWith("No, error=the model failed");
                } else {
                    assertThat(status(mails.get(i), RECIPIENT1))
                            .startsWith(i % 2 == 0 ? "Yes, " : "No, score=");
                }
            }
            assertThat(scorer.batchSizes).anySatisfy(size -> assertThat(size).isGreaterThan(1));
        } finally {
            james.shutdownNow();
        }
    }

    @Test
    void serviceShouldRunAtMostInferenceThreadsForwardPassesAtOnce() throws Exception {
        mailet.init(
                config().setProperty("inferenceThreads", "2")
                        .setProperty("maxBatchSize", "4")
                        .build());
        scorer.delayMillis = 15;
        ExecutorService james = Executors.newFixedThreadPool(12);
        List<FakeMail> mails = new ArrayList<>();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int i = 0; i < 96; i++) {
                FakeMail mail = Mails.plain("Mail " + i, i % 3 == 0 ? "WINNER" : "hello");
                mails.add(mail);
                done.add(serviceOn(james, mail));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            james.shutdownNow();
        }

        assertThat(scorer.maxActive.get()).isBetween(1, 2);
        assertThat(scorer.batchSizes).allSatisfy(size -> assertThat(size).isBetween(1, 4));
        assertThat(scorer.texts).hasSize(96);
        for (int i = 0; i < mails.size(); i++) {
            assertThat(status(mails.get(i), RECIPIENT2)).startsWith(i % 3 == 0 ? "Yes, " : "No, ");
        }
    }

    @Test
    void destroyShouldCloseTheModel() throws Exception {
        mailet.init(config().build());

        mailet.destroy();

        assertThat(scorer.closed).isTrue();
    }

    @Test
    void initShouldFailWhenTheModelFolderDoesNotExist() {
        assertThatThrownBy(
                        () ->
                                mailet.init(
                                        config().setProperty(
                                                        "model", bundle.resolve("nope").toString())
                                                .build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("nope")
                .hasMessageContaining("does not exist");
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource({
        "threshold, '1.5', threshold",
        "threshold, 'high', '''high'''",
        "inferenceThreads, '0', inferenceThreads",
        "maxBatchSize, '0', maxBatchSize",
        "maxBatchSize, '2000', maxBatchSize",
        "maxTokens, '-1', maxTokens",
        "maxBytes, '1MB', maxBytes",
        "timeout, 'soon', timeout",
        "statusHeaderName, ' ', statusHeaderName"
    })
    void initShouldRefuseABadParameterNamingWhatIsWrong(
            String name, String value, String expected) {
        assertThatThrownBy(() -> mailet.init(config().setProperty(name, value).build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void initShouldFailWhenTheModelCannotBeLoaded() {
        SpamGptClassifier failing =
                new SpamGptClassifier(
                        (path, options) -> {
                            throw new IllegalArgumentException("model.safetensors is truncated");
                        });

        assertThatThrownBy(() -> failing.init(config().build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("could not load the model bundle")
                .hasMessageContaining("model.safetensors is truncated");
    }

    /** A spooled mail of any size that exists only as a generator, counting what is read. */
    private static final class HugeSource implements MimeMessageSource {
        final AtomicLong bytesRead = new AtomicLong();
        private final long size;
        private final byte[] head =
                String.join(
                                "\r\n",
                                "Subject: Huge attachment",
                                "Content-Type: text/plain; charset=us-ascii",
                                "",
                                "")
                        .getBytes(StandardCharsets.US_ASCII);

        HugeSource(long size) {
            this.size = size;
        }

        @Override
        public String getSourceId() {
            return "huge";
        }

        @Override
        public long getMessageSize() {
            return size;
        }

        @Override
        public InputStream getInputStream() {
            return new InputStream() {
                private long pos;

                @Override
                public int read() {
                    if (pos >= size) {
                        return -1;
                    }
                    bytesRead.incrementAndGet();
                    long p = pos++;
                    return p < head.length
                            ? head[(int) p]
                            : (p % 64 == 63 ? '\n' : 'a' + (int) (p % 26));
                }
            };
        }
    }
}
