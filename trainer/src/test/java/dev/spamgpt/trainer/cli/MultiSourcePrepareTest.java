package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.feedback.FolderFeedbackStore;
import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiSourcePrepareTest {

    @TempDir Path dir;

    private Path feedbackFolder() throws IOException {
        Path folder = dir.resolve("feedback");
        try (FolderFeedbackStore store = FolderFeedbackStore.open(folder)) {
            for (int i = 0; i < 30; i++) {
                boolean spam = i % 2 == 0;
                store.append(
                        FeedbackReport.builder()
                                .id("event-" + i)
                                .user("user" + (i % 3) + "@example.org")
                                .label(spam ? FeedbackLabel.SPAM : FeedbackLabel.HAM)
                                .reportedAt("2026-12-01T10:00:00Z")
                                .text(
                                        spam
                                                ? "Subject: claim your prize " + i
                                                : "Subject: minutes of meeting " + i)
                                .alreadyKnown(i == 28)
                                .build());
            }
            // A second user reporting message 0 again, and a conflicting ham report on 2.
            store.append(
                    FeedbackReport.builder()
                            .id("event-again")
                            .user("other@example.org")
                            .label(FeedbackLabel.SPAM)
                            .reportedAt("2026-12-01T11:00:00Z")
                            .text("Subject: claim your prize 0")
                            .build());
        }
        return folder;
    }

    private Path tsv(int ham, int spam) throws IOException {
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < ham; i++) {
            tsv.append("ham\tsee you at ").append(i).append('\n');
        }
        for (int i = 0; i < spam; i++) {
            tsv.append("spam\tWIN ").append(i).append(" now\n");
        }
        // The same text as a feedback report: used once, from the first source.
        tsv.append("spam\tSubject: claim your prize 4\n");
        Path file = dir.resolve("mine.tsv");
        Files.writeString(file, tsv);
        return file;
    }

    @Test
    void feedbackAndSmsTogetherMakeAMixedDataSetWithEverySourceRecorded() throws IOException {
        Path sms = SharedData.dir().resolve(SharedData.SMS_COLLECTION);
        Path out = dir.resolve("out");
        CliRun run =
                CliRun.of(
                        "prepare",
                        "--source",
                        "feedback:" + feedbackFolder(),
                        "--source",
                        "sms:" + sms + ",cap=200",
                        "--out",
                        out.toString());
        assertThat(run.code).as(run.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(manifest.get("data_domain").asText()).isEqualTo("mixed");
        JsonNode sources = manifest.get("sources");
        assertThat(sources).hasSize(2);
        assertThat(sources.get(0).get("kind").asText()).isEqualTo("feedback");
        assertThat(sources.get(0).get("domain").asText()).isEqualTo("mail");
        assertThat(sources.get(1).get("kind").asText()).isEqualTo("sms");
        assertThat(sources.get(1).get("capped").asLong()).isEqualTo(5574 - 200);
        // The SMS file repeats some texts: each is used once, the repeats counted.
        assertThat(sources.get(1).get("used").asLong() + sources.get(1).get("duplicates").asLong())
                .isEqualTo(200);
        JsonNode feedback = manifest.get("feedback").elements().next();
        // 31 reports: the known one skipped, the second report of message 0 a duplicate.
        assertThat(feedback.get("reports").asLong()).isEqualTo(31);
        assertThat(feedback.get("already_known").asLong()).isEqualTo(1);
        assertThat(feedback.get("duplicates").asLong()).isEqualTo(1);
        assertThat(feedback.get("examples").asLong()).isEqualTo(29);
        assertThat(sources.get(0).get("used").asLong()).isEqualTo(29);
        assertThat(run.err).contains("Feedback from", "already known 1");
        assertThat(run.out).contains("Data domain: mixed");
        List<LabelledText> all = new ArrayList<>();
        for (String split : List.of("train", "validation", "test")) {
            all.addAll(DatasetCsv.read(out.resolve(split + ".csv")));
        }
        // Spam is the smaller class, so balancing keeps every feedback spam example.
        assertThat(all.stream().filter(e -> e.text().startsWith("Subject: claim your prize")))
                .hasSize(14);
    }

    @Test
    void capsWeightsAndCrossSourceDuplicatesAreApplied() throws IOException {
        Path out = dir.resolve("out2");
        CliRun run =
                CliRun.of(
                        "prepare",
                        "--source",
                        "feedback:" + feedbackFolder(),
                        "--source",
                        "tsv:" + tsv(60, 60) + ",weight=2,domain=mail",
                        "--no-balance",
                        "--out",
                        out.toString());
        assertThat(run.code).as(run.toString()).isZero();
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("dataset.json").toFile());
        assertThat(manifest.get("data_domain").asText()).isEqualTo("mail");
        JsonNode tsvSource = manifest.get("sources").get(1);
        assertThat(tsvSource.get("duplicates").asLong()).isEqualTo(1);
        assertThat(tsvSource.get("used").asLong()).isEqualTo(120);
        long total = 29 + 120;
        long validation = manifest.get("splits").get("validation").get("total").asLong();
        long test = manifest.get("splits").get("test").get("total").asLong();
        long train = manifest.get("splits").get("train").get("total").asLong();
        assertThat(validation + test).isEqualTo(total - (long) (total * 0.7));
        // Weight 2 doubles the tsv examples of the training split, and only there.
        assertThat(train).isGreaterThan((long) (total * 0.7)).isLessThan(2 * (long) (total * 0.7));
    }

    @Test
    void badSourcesAreNamed() {
        assertThat(CliRun.of("prepare", "--source", "pop3:x").err).contains("unknown source kind");
        assertThat(CliRun.of("prepare", "--source", "mail:/nope").err).contains("does not exist");
        assertThat(CliRun.of("prepare", "--source", "tsv:/x,cap=zero").err).contains("bad cap");
        assertThat(CliRun.of("prepare", "--source", "feedback:" + dir.resolve("none")).err)
                .contains("not a feedback folder");
    }
}
