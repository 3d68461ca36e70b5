package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.mailet.james.StoredReports.Stored;
import java.nio.charset.StandardCharsets;
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
 * The listener's rules in a real James 3.8.1, on a folder store: the packaged jar's {@code
 * SpamGptFeedbackListener}, registered in {@code conf/listeners.xml}, turns IMAP moves into
 * reports. Mail arrives over SMTP and is scored by the mailet; the user then moves one message from
 * INBOX into Spam, one from Spam into a folder of their own and one from Spam into Trash. Exactly
 * two reports must come out: spam for the first, ham for the second, none for Trash. A copy into
 * Spam then counts as spam too.
 */
class FeedbackJamesIT {

    static final String ALICE = "alice@" + DOMAIN;
    private static final Pattern STATUS =
            Pattern.compile("(?mi)^org\\.apache\\.james\\.spamgpt\\.status: *(\\S+?),");

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;
    static Path store;

    @BeforeAll
    static void startJames() throws Exception {
        List<String> all = TestMails.endToEnd(ALICE);
        Path bundle = tmp.resolve("bundle");
        float[] scores =
                Verdicts.score(
                        bundle, 20261202L, all, Files.createDirectories(tmp.resolve("verdicts")));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(Verdicts.splitThreshold(scores)));
        store = tmp.resolve("feedback");
        james =
                MailetJames.start(
                        tmp.resolve("james"),
                        bundle,
                        parameters,
                        List.of(ALICE),
                        listenersXml(store.toString(), "<user>keep</user>"));
        james.send(List.of(ALICE), all);
        james.awaitDelivered(List.of(ALICE), all.size(), Duration.ofMinutes(2));
    }

    /** A {@code listeners.xml} with the SpamGPT feedback listener on this store. */
    static String listenersXml(String store, String... more) {
        return "<?xml version=\"1.0\"?>\n<listeners>\n  <listener>\n"
                + "    <class>dev.spamgpt.mailet.SpamGptFeedbackListener</class>\n"
                + "    <async>false</async>\n    <configuration>\n"
                + "      <store>"
                + store
                + "</store>\n      "
                + String.join("\n      ", more)
                + "\n    </configuration>\n  </listener>\n</listeners>\n";
    }

    @Test
    void movesIntoAndOutOfSpamBecomeReportsAndTrashIsIgnored() throws Exception {
        String intoSpam;
        String outOfSpam;
        String toTrash;
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(ALICE, PASSWORD);
            imap.create("Archive");
            imap.create("Trash");
            assertThat(imap.getMessageCount("INBOX")).as("mails in INBOX").isGreaterThan(1);
            assertThat(imap.getMessageCount("Spam")).as("mails in Spam").isGreaterThan(1);

            outOfSpam = StoredReports.moveFirstScored(imap, "Spam", "Archive");
            imap.select("Spam");
            toTrash = StoredReports.firstTestId(imap);
            imap.moveFirstMessage("Trash");
            intoSpam = StoredReports.moveFirstScored(imap, "INBOX", "Spam");
        }
        List<Stored> reports = awaitReports(2);
        Awaitility.await()
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(10))
                .until(() -> StoredReports.folder(store).size() == 2);
        Map<String, Stored> byTestId = StoredReports.byTestId(reports);
        assertThat(byTestId.keySet()).containsExactlyInAnyOrder(intoSpam, outOfSpam);

        Stored spam = byTestId.get(intoSpam);
        assertThat(spam.field("label")).isEqualTo("spam");
        assertThat(spam.field("from_mailbox")).isEqualTo("INBOX");
        assertThat(spam.field("to_mailbox")).isEqualTo("Spam");
        assertThat(spam.field("delivery_verdict")).isEqualTo("ham");
        assertThat(spam.report.get("already_known").asBoolean()).isFalse();

        Stored ham = byTestId.get(outOfSpam);
        assertThat(ham.field("label")).isEqualTo("ham");
        assertThat(ham.field("from_mailbox")).isEqualTo("Spam");
        assertThat(ham.field("to_mailbox")).isEqualTo("Archive");
        assertThat(ham.field("delivery_verdict")).isEqualTo("spam");
        assertThat(ham.report.get("already_known").asBoolean()).isFalse();

        for (Stored s : reports) {
            // The verdict in the report is the one stored with the message at delivery.
            Matcher status = STATUS.matcher(s.raw);
            assertThat(status.find()).as("status header in %s", s.report).isTrue();
            assertThat(s.field("delivery_verdict"))
                    .isEqualTo(status.group(1).equalsIgnoreCase("yes") ? "spam" : "ham");
            assertThat(s.field("delivery_model")).isNotBlank();
            assertThat(s.report.get("delivery_score").isNumber()).isTrue();
            assertThat(s.field("user")).isEqualTo(ALICE);
            assertThat(s.field("text")).isNotBlank();
            assertThat(s.field("digest")).isEqualTo(StoredReports.sha256(s.field("text")));
            assertThat(s.report.get("raw_bytes").asLong())
                    .isEqualTo(s.raw.getBytes(StandardCharsets.UTF_8).length);
        }

        String copied;
        // A new session: the old one has unsolicited EXPUNGE replies pending.
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(ALICE, PASSWORD);
            imap.select("INBOX");
            copied = StoredReports.firstTestId(imap);
            imap.copyFirstMessage("Spam");
        }
        Map<String, Stored> after = StoredReports.byTestId(awaitReports(3));
        assertThat(after.get(copied).field("label")).isEqualTo("spam");
        assertThat(after).doesNotContainKey(toTrash);
    }

    private static List<Stored> awaitReports(int n) throws Exception {
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> StoredReports.folder(store).size() >= n);
        return StoredReports.folder(store);
    }
}
