package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.james.utils.TestIMAPClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback loop in a real James 3.8.1: the packaged jar's {@code SpamGptFeedbackListener},
 * registered in {@code conf/listeners.xml}, turns IMAP moves into reports in a folder store. Mail
 * arrives over SMTP and is scored by the mailet; the user then moves one message from INBOX into
 * Spam, one from Spam into a folder of their own and one from Spam into Trash. Exactly two reports
 * must come out: spam for the first, ham for the second, none for Trash.
 *
 * <p>This JVM does not see core (James loads it from extensions-jars/), so the store's JSON lines
 * are read here with Jackson alone: an independent reading of the format.
 */
class FeedbackJamesIT {

    static final String ALICE = "alice@" + DOMAIN;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEST_ID = Pattern.compile("(?mi)^X-Test-Id: *(\\S+)");
    private static final Pattern STATUS =
            Pattern.compile("(?mi)^org\\.apache\\.james\\.spamgpt\\.status: *(\\S+?),");

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;
    static Path store;
    static int mails;

    @BeforeAll
    static void startJames() throws Exception {
        List<String> all = TestMails.endToEnd(ALICE);
        mails = all.size();
        Path bundle = tmp.resolve("bundle");
        float[] scores =
                Verdicts.score(
                        bundle, 20261202L, all, Files.createDirectories(tmp.resolve("verdicts")));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(Verdicts.splitThreshold(scores)));
        store = tmp.resolve("feedback");
        String listeners =
                "<?xml version=\"1.0\"?>\n<listeners>\n  <listener>\n"
                        + "    <class>dev.spamgpt.mailet.SpamGptFeedbackListener</class>\n"
                        + "    <async>true</async>\n    <configuration>\n"
                        + "      <store>"
                        + store
                        + "</store>\n      <user>keep</user>\n"
                        + "    </configuration>\n  </listener>\n</listeners>\n";
        james =
                MailetJames.start(
                        tmp.resolve("james"), bundle, parameters, List.of(ALICE), listeners);
        james.send(List.of(ALICE), all);
        james.awaitDelivered(List.of(ALICE), mails, Duration.ofMinutes(2));
    }

    @Test
    void movesIntoAndOutOfSpamBecomeReportsAndTrashIsIgnored() throws Exception {
        String intoSpam;
        String outOfSpam;
        String toTrash;
        String copied;
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(ALICE, PASSWORD);
            imap.create("Archive");
            imap.create("Trash");
            assertThat(imap.getMessageCount("INBOX")).as("mails in INBOX").isGreaterThan(1);
            assertThat(imap.getMessageCount("Spam")).as("mails in Spam").isGreaterThan(1);

            imap.select("Spam");
            outOfSpam = firstTestId(imap);
            imap.moveFirstMessage("Archive");
            imap.select("Spam");
            toTrash = firstTestId(imap);
            imap.moveFirstMessage("Trash");
            imap.select("INBOX");
            intoSpam = firstTestId(imap);
            imap.moveFirstMessage("Spam");

            List<JsonNode> reports = awaitReports(2);
            Awaitility.await()
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> reports().size() == 2);
            Map<String, JsonNode> byTestId = byTestId(reports);
            assertThat(byTestId.keySet()).containsExactlyInAnyOrder(intoSpam, outOfSpam);

            JsonNode spam = byTestId.get(intoSpam);
            assertThat(spam.get("label").asText()).isEqualTo("spam");
            assertThat(spam.get("from_mailbox").asText()).isEqualTo("INBOX");
            assertThat(spam.get("to_mailbox").asText()).isEqualTo("Spam");
            assertThat(spam.get("delivery_verdict").asText()).isEqualTo("ham");
            assertThat(spam.get("already_known").asBoolean()).isFalse();

            JsonNode ham = byTestId.get(outOfSpam);
            assertThat(ham.get("label").asText()).isEqualTo("ham");
            assertThat(ham.get("from_mailbox").asText()).isEqualTo("Spam");
            assertThat(ham.get("to_mailbox").asText()).isEqualTo("Archive");
            assertThat(ham.get("delivery_verdict").asText()).isEqualTo("spam");
            assertThat(ham.get("already_known").asBoolean()).isFalse();

            for (JsonNode report : reports) {
                String eml = eml(report);
                // The verdict in the report is the one stored with the message at delivery.
                Matcher status = STATUS.matcher(eml);
                assertThat(status.find()).as("status header in %s", report).isTrue();
                assertThat(report.get("delivery_verdict").asText())
                        .isEqualTo(status.group(1).equalsIgnoreCase("yes") ? "spam" : "ham");
                assertThat(report.get("delivery_model").asText()).isNotBlank();
                assertThat(report.get("delivery_score").isNumber()).isTrue();
                assertThat(report.get("user").asText()).isEqualTo(ALICE);
                String text = report.get("text").asText();
                assertThat(report.get("digest").asText()).isEqualTo(sha256(text));
                assertThat(text).isNotBlank();
                assertThat(report.get("raw_bytes").asLong())
                        .isEqualTo(eml.getBytes(StandardCharsets.UTF_8).length);
            }
        }
        // A new session: the old one has unsolicited EXPUNGE replies pending.
        try (TestIMAPClient imap = new TestIMAPClient()) {
            imap.connect("127.0.0.1", james.imapPort()).login(ALICE, PASSWORD);
            imap.select("INBOX");
            copied = firstTestId(imap);
            imap.copyFirstMessage("Spam");
        }
        Map<String, JsonNode> after = byTestId(awaitReports(3));
        assertThat(after.get(copied).get("label").asText()).isEqualTo("spam");
        assertThat(after).doesNotContainKey(toTrash);
    }

    private static String firstTestId(TestIMAPClient imap) throws Exception {
        Matcher m = TEST_ID.matcher(imap.readFirstMessageHeaders());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<JsonNode> awaitReports(int n) throws Exception {
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> reports().size() >= n);
        return reports();
    }

    private static List<JsonNode> reports() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isDirectory(store)) {
            return out;
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(store)) {
            segments =
                    files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                            .sorted()
                            .collect(Collectors.toList());
        }
        for (Path segment : segments) {
            for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    private static Map<String, JsonNode> byTestId(List<JsonNode> reports) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode report : reports) {
            Matcher m = TEST_ID.matcher(eml(report));
            assertThat(m.find()).as("X-Test-Id in the raw message of %s", report).isTrue();
            assertThat(out.put(m.group(1), report)).as("one report per message").isNull();
        }
        return out;
    }

    private static String eml(JsonNode report) throws Exception {
        return Files.readString(store.resolve(report.get("eml").asText()), StandardCharsets.UTF_8);
    }

    private static String sha256(String text) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b :
                MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
