package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.mailet.james.StoredReports.Stored;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.james.utils.TestIMAPClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole retrain loop, once per store: mail arrives over SMTP and is scored; over IMAP a user
 * moves one message into Spam, one out of Spam into a folder and one into Trash; the store then
 * holds exactly the two expected reports; {@code prepare} reads them back beside a sample of the
 * SMS collection and {@code train} makes a bundle whose manifest says {@code mixed}. The trainer
 * and, for the Kafka store, the broker run from their shipped jars in JVMs of their own.
 *
 * <p>One subclass per store: each James loads libtorch through its own extension class loader, and
 * a JVM can load it into one class loader only, so each test class gets a JVM of its own.
 */
abstract class FeedbackLoop {

    static final String CAROL = "carol@" + DOMAIN;

    @TempDir Path tmp;

    interface Reader {
        List<Stored> read() throws Exception;
    }

    void loop(String storeSpec, Reader reader) throws Exception {
        List<String> mails = TestMails.endToEnd(CAROL);
        Path bundle = tmp.resolve("bundle");
        float[] scores =
                Verdicts.score(
                        bundle, 20261204L, mails, Files.createDirectories(tmp.resolve("verdicts")));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(Verdicts.splitThreshold(scores)));
        String intoSpam;
        String outOfSpam;
        try (MailetJames james =
                MailetJames.start(
                        tmp.resolve("james"),
                        bundle,
                        parameters,
                        List.of(CAROL),
                        FeedbackJamesIT.listenersXml(storeSpec))) {
            james.send(List.of(CAROL), mails);
            james.awaitDelivered(List.of(CAROL), mails.size(), Duration.ofMinutes(2));
            try (TestIMAPClient imap = new TestIMAPClient()) {
                imap.connect("127.0.0.1", james.imapPort()).login(CAROL, PASSWORD);
                imap.create("Receipts");
                imap.create("Trash");
                outOfSpam = StoredReports.moveFirstScored(imap, "Spam", "Receipts");
                imap.select("Spam");
                imap.moveFirstMessage("Trash");
                intoSpam = StoredReports.moveFirstScored(imap, "INBOX", "Spam");
            }
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> reader.read().size() >= 2);
            // Nothing more comes: the move into Trash is not a report.
            Awaitility.await()
                    .during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> reader.read().size() == 2);
        }
        Map<String, Stored> reports = StoredReports.byTestId(reader.read());
        assertThat(reports.keySet()).containsExactlyInAnyOrder(intoSpam, outOfSpam);
        assertThat(reports.get(intoSpam).field("label")).isEqualTo("spam");
        assertThat(reports.get(intoSpam).field("delivery_verdict")).isEqualTo("ham");
        assertThat(reports.get(outOfSpam).field("label")).isEqualTo("ham");
        assertThat(reports.get(outOfSpam).field("delivery_verdict")).isEqualTo("spam");
        for (Stored s : reports.values()) {
            assertThat(s.field("digest")).isEqualTo(StoredReports.sha256(s.field("text")));
            // Hashed by default: the address is not in the store.
            assertThat(s.field("user")).startsWith("sha256:").doesNotContain("carol");
        }

        Path data = tmp.resolve("data");
        Jars.Run prepare =
                Jars.trainer(
                        tmp.resolve("prepare.log"),
                        "prepare",
                        "--source",
                        "feedback:" + storeSpec,
                        "--source",
                        "sms:" + Jars.smsCollection() + ",cap=300",
                        "--out",
                        data.toString());
        assertThat(prepare.code).as(prepare.toString()).isZero();
        assertThat(prepare.output).contains("Feedback from", "2 reports -> 2 examples");
        JsonNode dataset = new ObjectMapper().readTree(data.resolve("dataset.json").toFile());
        assertThat(dataset.get("data_domain").asText()).isEqualTo("mixed");
        assertThat(dataset.get("sources").get(0).get("used").asInt()).isEqualTo(2);

        Path run = tmp.resolve("run");
        Jars.Run train =
                Jars.trainer(
                        tmp.resolve("train.log"),
                        "train",
                        "--init",
                        "random",
                        "--config",
                        "tiny",
                        "--epochs",
                        "1",
                        "--data",
                        data.toString(),
                        "--out",
                        run.toString());
        assertThat(train.code).as(train.toString()).isZero();
        assertThat(train.output).contains("Data domain: mixed");
        JsonNode manifest =
                new ObjectMapper().readTree(run.resolve("bundle/manifest.json").toFile());
        assertThat(manifest.get("data_domain").asText()).isEqualTo("mixed");
    }
}
