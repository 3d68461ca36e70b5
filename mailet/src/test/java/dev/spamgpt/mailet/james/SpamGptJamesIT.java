package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.apache.james.GuiceJamesServer;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.james.utils.SMTPMessageSender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in a real James 3.8.1 (the memory app, in this JVM): the packaged
 * {@code spamgpt-mailet.jar} sits in {@code extensions-jars/}, {@code mailetcontainer.xml} chains
 * it with {@code IsMarkedAsSpam} and {@code WithStorageDirective}, mails go in over SMTP and are
 * read back over IMAP. The model is a random-weight bundle whose score for every mail the test
 * learns first from the classifier itself; the threshold splits them, so both folders get mail.
 */
class SpamGptJamesIT {

    static final String ALICE = "alice@" + DOMAIN;
    static final String BOB = "bob@" + DOMAIN;

    @TempDir
    static Path tmp;

    static GuiceJamesServer server;
    static List<String> mails;
    static float[] scores;
    static float threshold;
    static int metricsPort;

    @BeforeAll
    static void startJames() throws Exception {
        long t0 = System.nanoTime();
        mails = TestMails.endToEnd(ALICE + ", " + BOB);
        Path bundle = tmp.resolve("bundle");
        scores = Verdicts.score(bundle, 20261126L, mails, Files.createDirectories(tmp.resolve("verdicts")));
        threshold = Verdicts.splitThreshold(scores);
        long t1 = System.nanoTime();
        metricsPort = freePort();
        String mailet = "            <mailet match=\"All\" class=\"dev.spamgpt.mailet.SpamGptClassifier\">\n"
                + "                <model>" + bundle + "</model>\n"
                + "                <threshold>" + threshold + "</threshold>\n"
                + "                <tagSubject>[SPAM]</tagSubject>\n"
                + "                <addHeaders>true</addHeaders>\n"
                + "                <metricsPort>" + metricsPort + "</metricsPort>\n"
                + "            </mailet>";
        server = JamesHome.start(JamesHome.prepare(tmp.resolve("james"), mailet));
        System.out.printf(Locale.ROOT, "[SpamGptJamesIT] verdicts in %d ms, James with the mailet started in %d ms%n",
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        server.getProbe(DataProbeImpl.class).addDomain(DOMAIN);
        server.getProbe(DataProbeImpl.class).addUser(ALICE, PASSWORD);
        server.getProbe(DataProbeImpl.class).addUser(BOB, PASSWORD);
    }

    @AfterAll
    static void stopJames() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theTestJvmShouldNotSeeTheMailetSoJamesMustLoadItFromExtensionsJars() {
        for (String name : List.of("dev.spamgpt.mailet.SpamGptClassifier",
                "dev.spamgpt.core.inference.SpamClassifier", "ai.djl.engine.Engine")) {
            try {
                Class<?> found = Class.forName(name);
                throw new AssertionError(name + " is on the test class path, loaded by " + found.getClassLoader()
                        + " from " + found.getProtectionDomain().getCodeSource());
            } catch (ClassNotFoundException expected) {
                // James can only have it from extensions-jars/.
            }
        }
        assertThat(tmp.resolve("james/extensions-jars/spamgpt-mailet.jar")).isRegularFile();
    }

    @Test
    void everyMailShouldLandInTheFolderThatItsVerdictImplies() throws Exception {
        int smtpPort = server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
        int imapPort = server.getProbe(ImapGuiceProbe.class).getImapPort();
        try (SMTPMessageSender smtp = new SMTPMessageSender("client.example.net")) {
            smtp.connect("127.0.0.1", server.getProbe(SmtpGuiceProbe.class).getSmtpPort());
            for (String mail : mails) {
                smtp.sendMessageWithHeaders(TestMails.SENDER, List.of(ALICE, BOB), mail);
            }
        }
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> ImapFolders.count(imapPort, ALICE) == mails.size()
                        && ImapFolders.count(imapPort, BOB) == mails.size());

        int spam = Routing.check("127.0.0.1", imapPort, List.of(ALICE, BOB), mails, scores, threshold, true);
        assertThat(spam).as("mails in Spam").isPositive().isLessThan(mails.size() - 1);
        for (String repository : List.of("memory://var/mail/error/", "memory://var/mail/relay-denied/")) {
            assertThat(server.getProbe(MailRepositoryProbeImpl.class)
                    .getRepositoryMailCount(MailRepositoryUrl.from(repository))).as(repository).isZero();
        }
        System.out.printf(Locale.ROOT, "[SpamGptJamesIT] %d mails x 2 recipients over SMTP, %d in Spam, %d in"
                + " INBOX, threshold %.4f%n", mails.size(), spam, mails.size() - spam, threshold);

        String metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(Routing.mailsCounted(metrics, "spam")).isEqualTo(spam);
        assertThat(Routing.mailsCounted(metrics, "ham") + Routing.mailsCounted(metrics, "skipped"))
                .isEqualTo(mails.size() - spam);
        assertThat(Routing.mailsCounted(metrics, "error")).isZero();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
