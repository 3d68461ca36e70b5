package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in a real James 3.8.1 (the memory app, in this JVM): the packaged {@code
 * spamgpt-mailet.jar} sits in {@code extensions-jars/}, {@code mailetcontainer.xml} chains it with
 * {@code IsMarkedAsSpam} and {@code WithStorageDirective}, mails go in over SMTP and are read back
 * over IMAP. The model is a random-weight bundle whose score for every mail the test learns first
 * from the classifier itself; the threshold splits them, so both folders get mail.
 */
class SpamGptJamesIT {

    static final String ALICE = "alice@" + DOMAIN;
    static final String BOB = "bob@" + DOMAIN;

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;
    static List<String> mails;
    static float[] scores;
    static float threshold;

    @BeforeAll
    static void startJames() throws Exception {
        long t0 = System.nanoTime();
        mails = TestMails.endToEnd(ALICE + ", " + BOB);
        Path bundle = tmp.resolve("bundle");
        scores =
                Verdicts.score(
                        bundle, 20261126L, mails, Files.createDirectories(tmp.resolve("verdicts")));
        threshold = Verdicts.splitThreshold(scores);
        long t1 = System.nanoTime();
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(threshold));
        parameters.put("tagSubject", "[SPAM]");
        parameters.put("addHeaders", "true");
        james = MailetJames.start(tmp.resolve("james"), bundle, parameters, List.of(ALICE, BOB));
        System.out.printf(
                Locale.ROOT,
                "[SpamGptJamesIT] verdicts in %d ms, James with the mailet started in %d ms%n",
                (t1 - t0) / 1_000_000,
                (System.nanoTime() - t1) / 1_000_000);
    }

    @Test
    void theTestJvmShouldNotSeeTheMailetSoJamesMustLoadItFromExtensionsJars() {
        for (String name :
                List.of(
                        "dev.spamgpt.mailet.SpamGptClassifier",
                        "dev.spamgpt.core.inference.SpamClassifier",
                        "ai.djl.engine.Engine")) {
            try {
                Class<?> found = Class.forName(name);
                throw new AssertionError(
                        name
                                + " is on the test class path, loaded by "
                                + found.getClassLoader()
                                + " from "
                                + found.getProtectionDomain().getCodeSource());
            } catch (ClassNotFoundException expected) {
                // James can only have it from extensions-jars/.
            }
        }
        assertThat(tmp.resolve("james/extensions-jars/spamgpt-mailet.jar")).isRegularFile();
    }

    @Test
    void everyMailShouldLandInTheFolderThatItsVerdictImplies() throws Exception {
        int imapPort = james.imapPort();
        james.send(List.of(ALICE, BOB), mails);
        james.awaitDelivered(List.of(ALICE, BOB), mails.size(), Duration.ofMinutes(2));
        assertThat(ImapFolders.count(imapPort, ALICE)).isEqualTo(mails.size());
        assertThat(ImapFolders.count(imapPort, BOB)).isEqualTo(mails.size());

        int spam =
                Routing.check(
                        "127.0.0.1", imapPort, List.of(ALICE, BOB), mails, scores, threshold, true);
        assertThat(spam).as("mails in Spam").isPositive().isLessThan(mails.size() - 1);
        for (String repository :
                List.of("memory://var/mail/error/", "memory://var/mail/relay-denied/")) {
            assertThat(james.repositoryCount(repository)).as(repository).isZero();
        }
        System.out.printf(
                Locale.ROOT,
                "[SpamGptJamesIT] %d mails x 2 recipients over SMTP, %d in Spam, %d in"
                        + " INBOX, threshold %.4f%n",
                mails.size(),
                spam,
                mails.size() - spam,
                threshold);

        String metrics = james.scrapeMetrics();
        assertThat(Routing.mailsCounted(metrics, "spam")).isEqualTo(spam);
        assertThat(Routing.mailsCounted(metrics, "ham") + Routing.mailsCounted(metrics, "skipped"))
                .isEqualTo(mails.size() - spam);
        assertThat(Routing.mailsCounted(metrics, "error")).isZero();
    }
}
