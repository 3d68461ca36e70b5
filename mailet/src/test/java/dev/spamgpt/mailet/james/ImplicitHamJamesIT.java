package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.mailet.james.StoredReports.Stored;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.james.utils.TestIMAPClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional implicit ham in a real James: with {@code implicitHamAfter} at 3 seconds, mail that
 * stays in INBOX becomes one implicit ham report each, and mail the user moved into Spam in time
 * becomes a spam report and nothing else. Later sweeps must not report a message again.
 */
class ImplicitHamJamesIT {

    private static final String BOB = "bob@" + DOMAIN;

    @TempDir Path tmp;

    @AutoClose MailetJames james;

    @Test
    void mailLeftInTheInboxBecomesImplicitHamOnce() throws Exception {
        Path bundle = Verdicts.randomBundle(tmp, 11);
        Path store = tmp.resolve("feedback");
        Path state = tmp.resolve("implicit.state");
        james =
                MailetJames.start(
                        tmp.resolve("james"),
                        bundle,
                        // Nothing scores 1 or more: every mail lands in INBOX.
                        Map.of("threshold", "1"),
                        List.of(BOB),
                        FeedbackJamesIT.listenersXml(
                                store.toString(),
                                "<user>keep</user>",
                                "<implicitHamAfter>PT3S</implicitHamAfter>",
                                "<implicitHamEvery>PT0.5S</implicitHamEvery>",
                                "<implicitHamState>" + state + "</implicitHamState>"));
        // The first sweep only starts the window.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(state));
        List<String> mails = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mails.add(TestMails.plain("kept-" + i, BOB, "Minutes " + i, "The notes of day " + i));
        }
        Instant sent = Instant.now();
        james.send(List.of(BOB), mails);
        james.awaitDelivered(List.of(BOB), mails.size(), Duration.ofMinutes(1));
        String moved;
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(BOB, PASSWORD);
            imap.create("Spam");
            assertThat(imap.getMessageCount("INBOX")).isEqualTo(3);
            moved = StoredReports.moveFirstScored(imap, "INBOX", "Spam");
        }
        assertThat(Duration.between(sent, Instant.now()))
                .as("the move must come before the mail is 3 s old")
                .isLessThan(Duration.ofSeconds(3));

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> StoredReports.folder(store).size() >= 3);
        // Several more sweeps: none may report a message again.
        Thread.sleep(3000);
        List<Stored> reports = StoredReports.folder(store);
        assertThat(reports).hasSize(3);
        Map<String, Stored> byTestId = StoredReports.byTestId(reports);
        assertThat(byTestId.keySet())
                .containsExactlyInAnyOrder("kept-0", "kept-1", "kept-2")
                .contains(moved);
        for (Stored s : reports) {
            String id = s.testId();
            if (id.equals(moved)) {
                assertThat(s.field("label")).isEqualTo("spam");
                assertThat(s.report.get("implicit").asBoolean()).isFalse();
            } else {
                assertThat(s.field("label")).as(id).isEqualTo("ham");
                assertThat(s.report.get("implicit").asBoolean()).as(id).isTrue();
                assertThat(s.field("from_mailbox")).isEqualTo("INBOX");
                assertThat(s.field("delivery_verdict")).isEqualTo("ham");
                // The mailet already said ham: the trainer skips it unless asked to keep it.
                assertThat(s.report.get("already_known").asBoolean()).isTrue();
                assertThat(s.field("digest")).isEqualTo(StoredReports.sha256(s.field("text")));
            }
        }
        assertThat(Instant.parse(Files.readString(state).trim())).isAfter(sent);
    }
}
