package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.utils.TestIMAPClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feedback store that refuses every report (a Kafka topic on a port where no broker listens) must
 * not touch mail: delivery and IMAP moves go on, and the failures are only counted.
 */
class FeedbackStoreDownJamesIT {

    static final String BOB = "bob@" + DOMAIN;
    private static final Pattern FAILURES =
            Pattern.compile("(?m)^spamgpt_feedback_failures_total\\{reason=\"store\"} (\\S+)");
    private static final Pattern GAVE_UP =
            Pattern.compile("(?m)^spamgpt_feedback_failures_total\\{reason=\"gave_up\"} (\\S+)");

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;
    static int mails;

    @BeforeAll
    static void startJames() throws Exception {
        List<String> all = TestMails.endToEnd(BOB);
        mails = all.size();
        Path bundle = tmp.resolve("bundle");
        float[] scores =
                Verdicts.score(
                        bundle, 20261203L, all, Files.createDirectories(tmp.resolve("verdicts")));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(Verdicts.splitThreshold(scores)));
        String listeners =
                "<?xml version=\"1.0\"?>\n<listeners>\n  <listener>\n"
                        + "    <class>dev.spamgpt.mailet.SpamGptFeedbackListener</class>\n"
                        + "    <async>false</async>\n    <configuration>\n"
                        + "      <store>kafka:feedback@127.0.0.1:1</store>\n"
                        + "      <kafkaTimeoutSeconds>1</kafkaTimeoutSeconds>\n"
                        + "      <retries>1</retries>\n"
                        + "      <retryBackoffMillis>100</retryBackoffMillis>\n"
                        + "    </configuration>\n  </listener>\n</listeners>\n";
        james =
                MailetJames.start(
                        tmp.resolve("james"), bundle, parameters, List.of(BOB), listeners);
        james.send(List.of(BOB), all);
        james.awaitDelivered(List.of(BOB), mails, Duration.ofMinutes(2));
    }

    @Test
    void movesAndDeliveryGoOnAndTheFailuresAreCounted() throws Exception {
        long started = System.nanoTime();
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(BOB, PASSWORD);
            long spamBefore = imap.getMessageCount("Spam");
            imap.select("INBOX");
            imap.moveFirstMessage("Spam");
            imap.select("INBOX");
            imap.moveFirstMessage("Spam");
            assertThat(imap.getMessageCount("Spam")).isEqualTo(spamBefore + 2);
        }
        // Not a timing test: the bound is far above any IMAP latency and far below the retries'.
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("two IMAP moves while the store refuses everything")
                .isLessThan(Duration.ofSeconds(4));
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count(FAILURES) >= 4 && count(GAVE_UP) >= 2);
        // Mail still flows while the listener keeps failing.
        james.send(List.of(BOB), List.of(TestMails.plain("after", BOB, "after", "still here")));
        james.awaitDelivered(List.of(BOB), mails + 1, Duration.ofMinutes(1));
    }

    private static double count(Pattern metric) throws Exception {
        Matcher m = metric.matcher(james.scrapeMetrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
