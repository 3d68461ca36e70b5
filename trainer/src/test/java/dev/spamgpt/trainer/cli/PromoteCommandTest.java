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
