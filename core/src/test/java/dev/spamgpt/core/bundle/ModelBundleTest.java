package dev.spamgpt.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.testing.TinyBundles;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelBundleTest {

    @TempDir
    Path tmp;

    @Test
    void writeThenReadShouldGiveBackTheSameWeightsAndManifest() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(TinyBundles.TINY, manager);
            BundleManifest manifest = new BundleManifest().id("unit").maxLength(40).threshold(0.7)
                    .baseModel("random:tiny", null).datasetSha256("abc");
            ModelBundle written = ModelBundle.write(tmp.resolve("b"), model, manifest);

            ModelBundle read = ModelBundle.read(tmp.resolve("b"));
            assertThat(read.config()).isEqualTo(TinyBundles.TINY);
            assertThat(read.manifest().modelId()).isEqualTo(written.manifest().modelId()).startsWith("unit:");
            assertThat(read.manifest().threshold()).isEqualTo(0.7);
            assertThat(read.manifest().maxLength()).isEqualTo(40);
            assertThat(read.manifest().files()).containsKeys("model.safetensors", "config.json");
            Gpt2ForClassification loaded = read.loadModel(manager);
            model.namedParameters().forEach((name, p) -> assertThat(
                    p.getArray().contentEquals(loaded.namedParameters().get(name).getArray()))
                    .as(name).isTrue());
        }
    }

    @Test
    void bundleFilesShouldGetTheUsualPermissionsNotOwnerOnly() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 9);
        // What any new file gets here (the umask decides); temp files would be 0600.
        Path probe = Files.createFile(tmp.resolve("probe"));
        for (String name : new String[] {"model.safetensors", "config.json", "manifest.json"}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(name))).as(name)
                    .isEqualTo(Files.getPosixFilePermissions(probe));
        }
    }

    @Test
    void updateManifestShouldKeepTheBundleValid() throws Exception {
        ModelBundle bundle = ModelBundle.read(TinyBundles.randomBundle(tmp.resolve("b"), 1));
        ModelBundle updated = bundle.updateManifest(m -> m.threshold(0.93));
        assertThat(ModelBundle.read(updated.dir()).manifest().threshold()).isEqualTo(0.93);
    }

    @Test
    void readShouldRefuseAChangedWeightsFileNamingIt() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 2);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("corrupt");
    }

    @Test
    void readShouldRefuseATruncatedWeightsFile() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 3);
        Path weights = dir.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(weights.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        assertThatThrownBy(() -> ModelBundle.read(dir)).isInstanceOf(BundleException.class)
                .hasMessageContaining(weights.toString());
    }

    @Test
    void readShouldExplainAMissingOrForeignFolder() throws Exception {
        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("nope")))
                .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("empty")))
                .isInstanceOf(BundleException.class).hasMessageContaining("no manifest.json");
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 4);
        Files.write(dir.resolve("manifest.json"), "{\"format\": \"other\"".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void loadModelShouldNameATensorOfTheWrongShape() throws Exception {
        GptConfig wide = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 64, 32, 2, 2, 1e-5f, 0f);
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        new Gpt2ForClassification(new Gpt2Model(TinyBundles.TINY), new ClassificationHead(16, 2))
                .namedParameters().forEach((name, p) -> {
                    weights.put(name, new float[Math.toIntExact(p.getShape().size())]);
                    shapes.put(name, p.getShape());
                });
        ModelBundle bundle = ModelBundle.write(tmp.resolve("b"), wide, weights, shapes,
                new BundleManifest().maxLength(64));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> bundle.loadModel(manager))
                    .isInstanceOf(BundleException.class)
                    .hasMessageContaining("'wte.weight'")
                    .hasMessageContaining("(50257, 16)");
        }
    }
}
