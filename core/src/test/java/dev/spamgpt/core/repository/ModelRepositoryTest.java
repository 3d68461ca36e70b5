package dev.spamgpt.core.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.testing.TinyBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {

    @TempDir Path dir;

    @Test
    void promotionsAndRollbacksMoveThePointerAndLeaveAHistory() throws Exception {
        ModelRepository repo = ModelRepository.at(dir.resolve("repo"));
        assertThat(repo.currentRef()).isEmpty();
        assertThat(repo.rollbackTarget()).isEmpty();

        String a = repo.add(TinyBundles.randomBundle(dir.resolve("a"), 1));
        String b = repo.add(TinyBundles.randomBundle(dir.resolve("b"), 2));
        String c = repo.add(TinyBundles.randomBundle(dir.resolve("c"), 3));
        assertThat(a).isEqualTo("tiny-random/seed1");
        // The copy is a whole, verified bundle.
        ModelBundle.read(repo.folderOf(a));

        repo.point(a, Map.of("action", "promote", "by", "ann"));
        repo.point(b, Map.of("action", "promote", "by", "ann"));
        repo.point(c, Map.of("action", "promote", "by", "bob"));
        assertThat(repo.currentRef()).contains(c);
        assertThat(repo.current()).contains(repo.root().resolve("tiny-random").resolve("seed3"));
        assertThat(repo.rollbackTarget()).contains(b);

        repo.point(b, Map.of("action", "rollback", "by", "bob"));
        assertThat(repo.currentRef()).contains(b);
        // A second rollback goes one further back, not forth again.
        assertThat(repo.rollbackTarget()).contains(a);

        List<Map<String, Object>> history = repo.history();
        assertThat(history).hasSize(4);
        assertThat(history.get(3))
                .containsEntry("action", "rollback")
                .containsEntry("ref", b)
                .containsEntry("previous", c)
                .containsEntry("by", "bob")
                .containsKey("time");
        assertThat(history.get(0)).containsEntry("previous", null);
    }

    @Test
    void aTornHistoryLineIsSkippedAndTheSameBundleIsAddedOnce() throws Exception {
        ModelRepository repo = ModelRepository.at(dir.resolve("repo"));
        Path bundle = TinyBundles.randomBundle(dir.resolve("a"), 1);
        String a = repo.add(bundle);
        assertThat(repo.add(bundle)).isEqualTo(a);
        repo.point(a, Map.of("action", "promote"));
        Files.writeString(
                repo.root().resolve(ModelRepository.HISTORY),
                "{\"action\":\"promote\",\"ref\":\"tiny-ran",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertThat(repo.history()).hasSize(1);
        assertThat(repo.currentRef()).contains(a);
    }

    @Test
    void aDifferentBundleUnderTheSameVersionOrABadPointerIsRefused() throws Exception {
        ModelRepository repo = ModelRepository.at(dir.resolve("repo"));
        repo.add(TinyBundles.randomBundle(dir.resolve("a"), 1));
        // Same id and version (seed1), other weights.
        Path other = TinyBundles.randomBundle(dir.resolve("other"), 5);
        ModelBundle.read(other).updateManifest(m -> m.version("seed1"));
        assertThatThrownBy(() -> repo.add(other))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("already holds a different tiny-random/seed1");

        Files.writeString(repo.root().resolve(ModelRepository.CURRENT), "../../etc/x\n");
        assertThatThrownBy(repo::currentRef)
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("MODEL_ID/VERSION");
        Files.writeString(repo.root().resolve(ModelRepository.CURRENT), "tiny-random/seed7\n");
        assertThatThrownBy(repo::current).hasMessageContaining("which is not there");
    }
}
