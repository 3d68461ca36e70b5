package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.repository.ModelRepository;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The promotion gate through the CLI, with real bundles: a trained one and a worse one (one epoch
 * at a learning rate too small to learn anything). The good one goes into an empty repository; the
 * worse one is refused with its reasons, goes in only with --force, and rollback brings the good
 * one back.
 */
class PromoteCommandTest extends WithTrainedBundle {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theGateRefusesAWorseCandidateAndRollbackUndoesAForcedOne() throws Exception {
        Path worseRun = dir.resolve("worse");
        CliRun trained2 =
                CliRun.trainTiny(
                        trained.data,
                        worseRun,
                        "--epochs",
                        "1",
                        "--lr",
                        "1e-9",
                        "--eval-freq",
                        "100",
                        "--model-id",
                        "spamgpt-worse");
        assertThat(trained2.code).as(trained2.toString()).isZero();
        Path worse = worseRun.resolve("bundle");
        Path repoDir = dir.resolve("repo");
        ModelRepository repo = ModelRepository.at(repoDir);

        CliRun first = promote(repoDir, trained.bundle);
        assertThat(first.code).as(first.toString()).isZero();
        assertThat(first.out).contains("no model is in service").contains("is now current");
        String good = repo.currentRef().orElseThrow();
        // The copy in service carries the threshold picked for the target.
        ModelBundle served = ModelBundle.read(repo.folderOf(good));
        assertThat(served.manifest().metrics())
                .containsEntry("target_false_positive_rate", PromoteCommand.DEFAULT_TARGET_FPR);

        CliRun refused = promote(repoDir, worse);
        assertThat(refused.code).as(refused.toString()).isEqualTo(PromoteCommand.EXIT_REFUSED);
        assertThat(refused.out)
                .contains("Refused: ")
                .contains("of spam, the current model")
                .contains("Nothing changed");
        assertThat(refused.out).contains("current").contains("candidate").contains("ROC AUC");
        assertThat(repo.currentRef()).contains(good);
        assertThat(repo.history()).hasSize(1);

        CliRun json = promote(repoDir, worse, "--json");
        JsonNode report = JSON.readTree(json.out);
        assertThat(report.get("gate").asText()).isEqualTo("refused");
        assertThat(report.at("/candidate/recall").asDouble())
                .isLessThan(report.at("/current/recall").asDouble());

        CliRun forced = promote(repoDir, worse, "--force", "--by", "ops");
        assertThat(forced.code).as(forced.toString()).isZero();
        assertThat(forced.out).contains("Promoted by --force");
        String bad = repo.currentRef().orElseThrow();
        assertThat(bad).startsWith("spamgpt-worse/");
        List<Map<String, Object>> history = repo.history();
        assertThat(history.get(1)).containsEntry("action", "force").containsEntry("by", "ops");
        assertThat(history.get(1)).containsKeys("candidate", "current", "reasons");

        CliRun back = CliRun.of("rollback", "--repository", repoDir.toString());
        assertThat(back.code).as(back.toString()).isZero();
        assertThat(back.out).contains(good + " is current again");
        assertThat(repo.currentRef()).contains(good);

        CliRun nothing = CliRun.of("rollback", "--repository", repoDir.toString());
        assertThat(nothing.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(nothing.err).contains("nothing to roll back to");
    }

    @Test
    void theShadowsLiveAgreementIsWeighedAndRecorded() throws Exception {
        String model = ModelBundle.read(trained.bundle).manifest().modelId();
        String page =
                "# TYPE spamgpt_shadow_messages_total counter\n"
                        + "spamgpt_shadow_messages_total{outcome=\"agree\",shadow_model=\""
                        + model
                        + "\"} 950.0\n"
                        + "spamgpt_shadow_messages_total{outcome=\"ham_to_spam\",shadow_model=\""
                        + model
                        + "\"} 30.0\n"
                        + "spamgpt_shadow_messages_total{outcome=\"spam_to_ham\",shadow_model=\""
                        + model
                        + "\"} 20.0\n"
                        + "spamgpt_shadow_skipped_total{reason=\"budget\",shadow_model=\""
                        + model
                        + "\"} 7.0\n"
                        + "spamgpt_shadow_messages_total{outcome=\"agree\","
                        + "shadow_model=\"other:1\"} 5.0\n";
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(
                        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/metrics",
                exchange -> {
                    byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
            Path repoDir = dir.resolve("shadow-repo");
            CliRun strict =
                    promote(
                            repoDir,
                            trained.bundle,
                            "--from-shadow",
                            url,
                            "--min-agreement",
                            "0.98");
            assertThat(strict.code).as(strict.toString()).isEqualTo(PromoteCommand.EXIT_REFUSED);
            assertThat(strict.out)
                    .contains("agreed with the live model on 95.00% of 1000 live messages")
                    .contains("30 ham to spam, 20 spam to ham, 7 skipped");
            assertThat(ModelRepository.at(repoDir).currentRef()).isEmpty();

            CliRun few =
                    promote(
                            repoDir,
                            trained.bundle,
                            "--from-shadow",
                            url,
                            "--min-shadow-messages",
                            "5000");
            assertThat(few.code).isEqualTo(PromoteCommand.EXIT_REFUSED);
            assertThat(few.out).contains("the shadow compared only 1000 live messages");

            CliRun weighed = promote(repoDir, trained.bundle, "--from-shadow", url);
            assertThat(weighed.code).as(weighed.toString()).isZero();
            assertThat(weighed.out).contains("in shadow it agreed with the live model on 95.00%");
            Map<String, Object> entry = ModelRepository.at(repoDir).history().get(0);
            assertThat(entry.get("shadow").toString())
                    .contains("compared=1000")
                    .contains("agreement=0.95");

            CliRun elsewhere =
                    promote(
                            repoDir,
                            trained.bundle,
                            "--from-shadow",
                            url.replace("/metrics", "/none"));
            assertThat(elsewhere.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(elsewhere.err).contains("cannot read the shadow's metrics");
        } finally {
            server.stop(0);
        }
        CliRun lonely = promote(dir.resolve("r"), trained.bundle, "--min-agreement", "0.9");
        assertThat(lonely.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(lonely.err).contains("need --from-shadow");
    }

    @Test
    void badOptionsAreNamed() {
        CliRun run = promote(dir.resolve("repo"), trained.bundle, "--target-fpr", "1.5");
        assertThat(run.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(run.err).contains("--target-fpr must be in [0, 1)");
        CliRun missing = CliRun.of("rollback", "--repository", dir.resolve("none").toString());
        assertThat(missing.code).isEqualTo(SpamGptCli.EXIT_USAGE);
        assertThat(missing.err).contains("is not a model repository");
    }

    private static CliRun promote(Path repo, Path candidate, String... more) {
        return CliRun.of(
                CliRun.concat(
                        new String[] {
                            "promote",
                            "--repository",
                            repo.toString(),
                            "--candidate",
                            candidate.toString(),
                            "--data",
                            trained.data.resolve("test.csv").toString(),
                            "--validation",
                            trained.data.resolve("validation.csv").toString()
                        },
                        more));
    }
}
