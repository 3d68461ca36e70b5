package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.feedback.FolderFeedbackStore;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.trainer.mail.SyntheticMail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code backtest} on every kind of file source, with real tiny bundles. The candidate and baseline
 * of most tests are one trained bundle at two thresholds, 0 and 1, so that every message flips and
 * the counts are known exactly; one test compares two differently trained bundles.
 */
class BacktestCommandTest extends WithTrainedBundle {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A copy of the trained bundle that decides at {@code threshold}. */
    private Path bundleAt(String name, double threshold) throws IOException {
        Path copy = trained.copy(dir.resolve(name));
        ModelBundle.read(copy).updateManifest(m -> m.threshold(threshold));
        return copy;
    }

    private JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content.replace("\n", "\r\n"), StandardCharsets.UTF_8);
    }

    @Test
    void mailFolderReportsEveryFlipWithEscapedSubjects() throws IOException {
        Path mail = dir.resolve("mail");
        new SyntheticMail(5).write(mail, 12, 0.0);
        write(
                mail.resolve("ham/zz-script.eml"),
                "Subject: <script>alert('x')</script> & \"quotes\"\u202e\u0007\n\nHello there.\n");
        Path candidate = bundleAt("all-spam", 0.0);
        Path baseline = bundleAt("all-ham", 1.0);
        Path report = dir.resolve("report.json");
        Path page = dir.resolve("flips.html");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        candidate.toString(),
                        "--baseline",
                        baseline.toString(),
                        "--data",
                        mail.toString(),
                        "--json",
                        report.toString(),
                        "--html",
                        page.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = json(report);
        assertThat(r.at("/source/kind").asText()).isEqualTo("mail folder");
        assertThat(r.at("/source/messages").asLong()).isEqualTo(13);
        assertThat(r.at("/candidate/threshold").asDouble()).isEqualTo(0.0);
        assertThat(r.at("/baseline/threshold").asDouble()).isEqualTo(1.0);
        assertThat(r.at("/candidate/false_positive_rate").asDouble()).isEqualTo(1.0);
        assertThat(r.at("/candidate/false_negative_rate").asDouble()).isEqualTo(0.0);
        assertThat(r.at("/baseline/false_positive_rate").asDouble()).isEqualTo(0.0);
        assertThat(r.at("/baseline/false_negative_rate").asDouble()).isEqualTo(1.0);
        JsonNode ham = r.at("/groups/0");
        assertThat(ham.get("name").asText()).isEqualTo("ham");
        assertThat(ham.get("messages").asLong()).isEqualTo(7);
        assertThat(ham.at("/candidate/spam").asLong()).isEqualTo(7);
        assertThat(ham.at("/baseline/ham").asLong()).isEqualTo(7);
        assertThat(ham.at("/matrix/baseline_ham/candidate_spam").asLong()).isEqualTo(7);
        assertThat(ham.at("/matrix/baseline_ham/candidate_ham").asLong()).isZero();
        assertThat(r.at("/groups/1/name").asText()).isEqualTo("spam");
        assertThat(r.at("/groups/1/messages").asLong()).isEqualTo(6);
        assertThat(r.at("/flips/total").asLong()).isEqualTo(13);
        assertThat(r.at("/flips/to_spam").asLong()).isEqualTo(13);
        assertThat(r.at("/flips/left_out").asLong()).isZero();
        assertThat(r.at("/flips/list")).hasSize(13);
        JsonNode script = null;
        for (JsonNode f : r.at("/flips/list")) {
            assertThat(f.get("baseline_score").asDouble()).isBetween(0.0, 1.0);
            assertThat(f.get("becomes").asText()).isEqualTo("spam");
            if (f.get("id").asText().equals("ham/zz-script.eml")) {
                script = f;
            }
        }
        assertThat(script).isNotNull();
        // Control and bidi characters are dropped; the subject stays one line.
        assertThat(script.get("subject").asText())
                .isEqualTo("<script>alert('x')</script> & \"quotes\"");
        assertThat(script.get("label").asText()).isEqualTo("ham");

        String html = Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html)
                .contains(
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
        assertThat(html).doesNotContain("<script>").doesNotContain("alert('x')");
        assertThat(run.out).contains("Flips: 13 (13 become spam, 0 become ham)");
        assertThat(run.out).contains("ham/zz-script.eml");
        assertThat(run.out).contains("Flips page: " + page);
    }

    @Test
    void mboxFileIsUnlabelledAndNamedByIndex() throws IOException {
        Path mbox = dir.resolve("inbox.mbox");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            b.append("From someone@example.com Mon Jan  1 00:00:0")
                    .append(i)
                    .append(" 2024\nSubject: message ")
                    .append(i)
                    .append("\n\nBody of message ")
                    .append(i)
                    .append("\n>From the quoted line\n\n");
        }
        Files.writeString(mbox, b.toString(), StandardCharsets.UTF_8);
        Path report = dir.resolve("r.json");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        mbox.toString(),
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = json(report);
        assertThat(r.at("/source/kind").asText()).isEqualTo("mail file");
        assertThat(r.at("/source/messages").asLong()).isEqualTo(5);
        assertThat(r.at("/groups")).hasSize(1);
        assertThat(r.at("/groups/0/name").asText()).isEqualTo("unlabelled");
        assertThat(r.at("/groups/0/label").isNull()).isTrue();
        long ham = r.at("/groups/0/candidate/ham").asLong();
        assertThat(ham + r.at("/groups/0/candidate/spam").asLong()).isEqualTo(5);
        assertThat(r.at("/candidate/false_positive_rate").isNull()).isTrue();
        assertThat(r.has("baseline")).isFalse();
        assertThat(r.has("flips")).isFalse();
        assertThat(run.out).contains("unlabelled").doesNotContain("FPR");
        assertThat(Files.exists(Path.of(BacktestCommand.DEFAULT_HTML))).isFalse();
    }

    @Test
    void csvWithBaselineFromRepositoryCapsTheKeptFlips() throws IOException {
        Path csv = dir.resolve("data.csv");
        StringBuilder b = new StringBuilder("label,text\n");
        for (int i = 0; i < 10; i++) {
            b.append(i % 2 == 0 ? "ham" : "spam").append(",message number ").append(i).append('\n');
        }
        b.append("maybe,not a label\n");
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
        Path repo = dir.resolve("repo");
        ModelRepository repository = ModelRepository.at(repo);
        String ref = repository.add(bundleAt("in-service", 1.0));
        repository.point(ref, Map.of("action", "promote"));
        Path report = dir.resolve("r.json");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        bundleAt("candidate", 0.0).toString(),
                        "--baseline",
                        repo.toString(),
                        "--data",
                        "csv:" + csv,
                        "--max-flips",
                        "3",
                        "--show-flips",
                        "1",
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = json(report);
        assertThat(r.at("/source/messages").asLong()).isEqualTo(10);
        assertThat(r.at("/source/malformed").asLong()).isEqualTo(1);
        assertThat(r.at("/baseline/path").asText()).isEqualTo(repo.toString());
        assertThat(r.at("/baseline/bundle").asText()).isEqualTo(repo.resolve(ref).toString());
        assertThat(r.at("/flips/total").asLong()).isEqualTo(10);
        assertThat(r.at("/flips/kept").asLong()).isEqualTo(3);
        assertThat(r.at("/flips/left_out").asLong()).isEqualTo(7);
        assertThat(r.at("/flips/list/0/id").asText()).isEqualTo("data.csv:2");
        assertThat(r.at("/flips/list/0/subject").asText()).isEqualTo("message number 0");
        assertThat(run.out).contains("3 kept, 7 left out (--max-flips)");
        assertThat(run.out).contains("... 2 more in --json / --html");
        assertThat(run.err).contains("data.csv:12");
    }

    @Test
    void jsonlToStandardOutputWithAnHtmlPage() throws IOException {
        Path jsonl = dir.resolve("data.jsonl");
        Files.writeString(
                jsonl,
                "{\"label\":\"spam\",\"text\":\"WIN <b>money</b> now\"}\n"
                        + "{\"label\":0,\"text\":\"see you at lunch\"}\n",
                StandardCharsets.UTF_8);
        Path page = dir.resolve("p.html");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        bundleAt("c", 0.0).toString(),
                        "--baseline",
                        bundleAt("b", 1.0).toString(),
                        "--data",
                        jsonl.toString(),
                        "--json",
                        "-",
                        "--html",
                        page.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = JSON.readTree(run.out);
        assertThat(r.at("/source/kind").asText()).isEqualTo("jsonl");
        assertThat(r.at("/groups/0/name").asText()).isEqualTo("spam");
        assertThat(r.at("/flips/total").asLong()).isEqualTo(2);
        assertThat(run.err).contains("Flips: 2");
        assertThat(Files.readString(page)).contains("WIN &lt;b&gt;money&lt;/b&gt; now");
    }

    @Test
    void feedbackFolderIsLabelledByTheUsers() throws IOException {
        Path store = dir.resolve("feedback");
        try (FolderFeedbackStore s = FolderFeedbackStore.open(store)) {
            for (int i = 0; i < 6; i++) {
                s.append(
                        FeedbackReport.builder()
                                .id("event-" + i)
                                .user("user@example.org")
                                .label(i < 2 ? FeedbackLabel.SPAM : FeedbackLabel.HAM)
                                .reportedAt("2026-12-01T10:00:00Z")
                                .text("Subject: report " + i + "\nbody")
                                .build());
            }
        }
        Path report = dir.resolve("r.json");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        bundleAt("c", 0.0).toString(),
                        "--baseline",
                        bundleAt("b", 1.0).toString(),
                        "--data",
                        "feedback:" + store,
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = json(report);
        assertThat(r.at("/source/kind").asText()).isEqualTo("feedback");
        assertThat(r.at("/candidate/labelled_spam").asLong()).isEqualTo(2);
        assertThat(r.at("/candidate/labelled_ham").asLong()).isEqualTo(4);
        assertThat(r.at("/candidate/false_positives").asLong()).isEqualTo(4);
        List<String> ids = new ArrayList<>();
        r.at("/flips/list").forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids)
                .containsExactly("event-0", "event-1", "event-2", "event-3", "event-4", "event-5");
        assertThat(r.at("/flips/list/0/subject").asText()).isEqualTo("Subject: report 0");
        // Not mail: no page unless asked.
        assertThat(run.out).doesNotContain("Flips page");
    }

    @Test
    void twoTrainedBundlesAgreeWithTheirOwnMatrix() throws IOException {
        Path other = dir.resolve("other");
        CliRun trainedAgain =
                CliRun.trainTiny(
                        trained.data, other, "--epochs", "1", "--eval-freq", "100", "--seed", "7");
        assertThat(trainedAgain.code).as(trainedAgain.toString()).isZero();
        Path mail = dir.resolve("mail");
        new SyntheticMail(8).write(mail, 40, 0.0);
        Path report = dir.resolve("r.json");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        other.resolve("bundle").toString(),
                        "--baseline",
                        trained.bundle.toString(),
                        "--data",
                        "mail:" + mail,
                        "--no-html",
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = json(report);
        long offDiagonal = 0;
        for (JsonNode g : r.at("/groups")) {
            offDiagonal +=
                    g.at("/matrix/baseline_ham/candidate_spam").asLong()
                            + g.at("/matrix/baseline_spam/candidate_ham").asLong();
            assertThat(g.at("/candidate/ham").asLong() + g.at("/candidate/spam").asLong())
                    .isEqualTo(g.get("messages").asLong());
        }
        assertThat(r.at("/flips/total").asLong()).isEqualTo(offDiagonal);
        assertThat(r.at("/flips/list")).hasSize((int) offDiagonal);
        for (JsonNode f : r.at("/flips/list")) {
            boolean toSpam = f.get("becomes").asText().equals("spam");
            assertThat(
                            f.get("candidate_score").asDouble()
                                    >= r.at("/candidate/threshold").asDouble())
                    .isEqualTo(toSpam);
            assertThat(f.get("baseline_score").asDouble() >= r.at("/baseline/threshold").asDouble())
                    .isEqualTo(!toSpam);
        }
        assertThat(run.out).contains("FPR").contains("FNR");
    }

    @Test
    void missingOrWrongModelIsAUsageError() throws IOException {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "ham,hello\n");
        CliRun missing =
                CliRun.of(
                        "backtest",
                        "--model",
                        dir.resolve("nope").toString(),
                        "--data",
                        csv.toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("--model").contains("does not exist");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun notBundle =
                CliRun.of(
                        "backtest",
                        "--model",
                        trained.bundle.toString(),
                        "--baseline",
                        empty.toString(),
                        "--data",
                        csv.toString());
        assertThat(notBundle.code).isEqualTo(2);
        assertThat(notBundle.err).contains("--baseline").contains("neither a bundle");

        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve(ModelRepository.HISTORY), "");
        CliRun noCurrent =
                CliRun.of("backtest", "--model", repo.toString(), "--data", csv.toString());
        assertThat(noCurrent.code).isEqualTo(2);
        assertThat(noCurrent.err).contains("no current model");
    }

    @Test
    void unreadableSourceAndBadRangeAreUsageErrors() throws IOException {
        String model = trained.bundle.toString();
        CliRun missing =
                CliRun.of(
                        "backtest", "--model", model, "--data", dir.resolve("gone.csv").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("gone.csv does not exist");

        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "just some words\n");
        CliRun unknown = CliRun.of("backtest", "--model", model, "--data", notes.toString());
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("cannot tell the format");

        Path badHeader = dir.resolve("bad.csv");
        Files.writeString(badHeader, "foo,bar\nham,hi\n");
        CliRun header = CliRun.of("backtest", "--model", model, "--data", badHeader.toString());
        assertThat(header.code).isEqualTo(2);
        assertThat(header.err).contains("cannot read").contains("neither data");

        CliRun feedback =
                CliRun.of(
                        "backtest", "--model", model, "--data", "feedback:" + dir.resolve("nofb"));
        assertThat(feedback.code).isEqualTo(2);
        assertThat(feedback.err).contains("not a feedback folder");

        CliRun rangeOnFile =
                CliRun.of("backtest", "--model", model, "--data", notes.toString(), "--from", "3");
        assertThat(rangeOnFile.code).isEqualTo(2);
        assertThat(rangeOnFile.err).contains("--from, --to and --partitions are for a kafka");

        CliRun backwards =
                CliRun.of(
                        "backtest",
                        "--model",
                        model,
                        "--data",
                        "kafka:topic@localhost:1",
                        "--from",
                        "8",
                        "--to",
                        "2");
        assertThat(backwards.code).isEqualTo(2);
        assertThat(backwards.err).contains("the range ends before it starts");

        CliRun garbled =
                CliRun.of(
                        "backtest",
                        "--model",
                        model,
                        "--data",
                        "kafka:topic@localhost:1",
                        "--to",
                        "yesterday");
        assertThat(garbled.code).isEqualTo(2);
        assertThat(garbled.err).contains("--to: 'yesterday' is neither an offset");

        CliRun noTopic = CliRun.of("backtest", "--model", model, "--data", "kafka:localhost:1");
        assertThat(noTopic.code).isEqualTo(2);
        assertThat(noTopic.err).contains("kafka:TOPIC@HOST:PORT");
    }

    @Test
    void helpExplainsEveryOption() {
        CliRun help = CliRun.of("backtest", "--help");
        assertThat(help.code).isZero();
        for (String option :
                List.of(
                        "--model",
                        "--baseline",
                        "--data",
                        "--from",
                        "--to",
                        "--partitions",
                        "--value-format",
                        "--json-path",
                        "--label-header",
                        "--kafka-property",
                        "--kafka-timeout",
                        "--json",
                        "--html",
                        "--no-html",
                        "--max-flips",
                        "--show-flips",
                        "--batch-size",
                        "--max-line-chars")) {
            assertThat(help.out).contains(option);
        }
        assertThat(help.out).contains("feedback:DIR").contains("kafka:TOPIC@HOST:PORT");
        assertThat(CliRun.of("--help").out).contains("backtest");
    }
}
