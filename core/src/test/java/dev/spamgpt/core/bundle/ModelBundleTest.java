package dev.spamgpt.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelBundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    @Test
    void writeThenReadShouldGiveBackTheSameWeightsAndManifest() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(TinyBundles.TINY, manager);
            BundleManifest manifest =
                    new BundleManifest()
                            .id("unit")
                            .maxLength(40)
                            .threshold(0.7)
                            .baseModel("random:tiny", null)
                            .datasetSha256("abc");
            ModelBundle written = ModelBundle.write(tmp.resolve("b"), model, manifest);

            ModelBundle read = ModelBundle.read(tmp.resolve("b"));
            assertThat(read.config()).isEqualTo(TinyBundles.TINY);
            assertThat(read.manifest().modelId())
                    .isEqualTo(written.manifest().modelId())
                    .startsWith("unit:");
            assertThat(read.manifest().threshold()).isEqualTo(0.7);
            assertThat(read.manifest().maxLength()).isEqualTo(40);
            assertThat(read.manifest().files()).containsKeys("model.safetensors", "config.json");
            Gpt2ForClassification loaded = read.loadModel(manager);
            model.namedParameters()
                    .forEach(
                            (name, p) ->
                                    assertThat(
                                                    p.getArray()
                                                            .contentEquals(
                                                                    loaded.namedParameters()
                                                                            .get(name)
                                                                            .getArray()))
                                            .as(name)
                                            .isTrue());
        }
    }

    @Test
    void bundleFilesShouldGetTheUsualPermissionsNotOwnerOnly() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 9);
        // What any new file gets here (the umask decides); temp files would be 0600.
        Path probe = Files.createFile(tmp.resolve("probe"));
        for (String name : new String[] {"model.safetensors", "config.json", "manifest.json"}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(name)))
                    .as(name)
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
        try (RandomAccessFile f =
                new RandomAccessFile(dir.resolve("model.safetensors").toFile(), "rw")) {
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
        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining(weights.toString());
    }

    @Test
    void readShouldExplainAMissingOrForeignFolder() throws Exception {
        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("nope")))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelBundle.read(tmp.resolve("empty")))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("no manifest.json");
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 4);
        Files.write(
                dir.resolve("manifest.json"),
                "{\"format\": \"other\"".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void loadModelShouldNameATensorOfTheWrongShape() throws Exception {
        GptConfig wide = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 64, 32, 2, 2, 1e-5f, 0f);
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        new Gpt2ForClassification(new Gpt2Model(TinyBundles.TINY), new ClassificationHead(16, 2))
                .namedParameters()
                .forEach(
                        (name, p) -> {
                            weights.put(name, new float[Math.toIntExact(p.getShape().size())]);
                            shapes.put(name, p.getShape());
                        });
        ModelBundle bundle =
                ModelBundle.write(
                        tmp.resolve("b"),
                        wide,
                        weights,
                        shapes,
                        new BundleManifest().maxLength(64));
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> bundle.loadModel(manager))
                    .isInstanceOf(BundleException.class)
                    .hasMessageContaining("'wte.weight'")
                    .hasMessageContaining("(50257, 16)");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"../outside.txt", "sub/../../outside.txt", "./../outside.txt", "ABSOLUTE"})
    void readShouldRefuseAManifestKeyThatPointsOutsideTheBundle(String key) throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 5);
        Path outside =
                Files.write(
                        tmp.resolve("outside.txt"), "not yours".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(dir.resolve("sub"));
        String name = "ABSOLUTE".equals(key) ? outside.toString() : key;
        // The right hash, so only the key's place can make the load fail.
        editManifest(dir, m -> ((ObjectNode) m.get("files")).put(name, sha256(outside)));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'" + name + "'");
    }

    @Test
    void readShouldRefuseAFileTheBundleFormatDoesNotHave() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 5);
        Path notes =
                Files.write(dir.resolve("notes.txt"), "hello".getBytes(StandardCharsets.UTF_8));
        editManifest(dir, m -> ((ObjectNode) m.get("files")).put("notes.txt", sha256(notes)));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'notes.txt'")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void readShouldRefuseABundleFileThatIsASymlinkOutOfTheBundle() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 6);
        Path elsewhere = Files.move(dir.resolve("config.json"), tmp.resolve("elsewhere.json"));
        Files.createSymbolicLink(dir.resolve("config.json"), elsewhere);

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("'config.json'")
                .hasMessageContaining("outside");
    }

    @Test
    void readShouldAcceptASymlinkThatStaysInsideTheBundle() throws Exception {
        // Kubernetes mounts a ConfigMap or Secret as symlinks into a hidden folder of the volume.
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 6);
        Files.createDirectories(dir.resolve("..data"));
        Path real = Files.move(dir.resolve("config.json"), dir.resolve("..data/config.json"));
        Files.createSymbolicLink(dir.resolve("config.json"), dir.relativize(real));

        assertThat(ModelBundle.read(dir).config()).isEqualTo(TinyBundles.TINY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "-1", "1.0000001", "1e400", "-1e400"})
    void readShouldRefuseAThresholdOutsideZeroToOne(String threshold) throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 7);
        editManifest(dir, m -> m.put("threshold", new BigDecimal(threshold)));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("threshold");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0})
    void readShouldAcceptTheThresholdsTheTrainerCanPick(double threshold) throws Exception {
        // ThresholdSelector gives 0 when the target admits every ham, 1 when top scores saturate.
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 7);
        editManifest(dir, m -> m.put("threshold", threshold));

        assertThat(ModelBundle.read(dir).manifest().threshold()).isEqualTo(threshold);
    }

    @Test
    void updateManifestShouldRefuseABadThresholdWithoutWritingIt() throws Exception {
        ModelBundle bundle = ModelBundle.read(TinyBundles.randomBundle(tmp.resolve("b"), 7));
        byte[] before = Files.readAllBytes(bundle.dir().resolve(ModelBundle.MANIFEST));

        assertThatThrownBy(() -> bundle.updateManifest(m -> m.threshold(Double.NaN)))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("threshold");
        assertThat(Files.readAllBytes(bundle.dir().resolve(ModelBundle.MANIFEST)))
                .isEqualTo(before);
    }

    @Test
    void readShouldRefuseAFractionalMaxLength() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 8);
        editManifest(dir, m -> m.put("max_length", new BigDecimal("40.5")));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("max_length");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "n_embd=16.9",
                "n_layer=2.5",
                "layer_norm_epsilon=1e400",
                "layer_norm_epsilon=0",
                "layer_norm_epsilon=2",
                "n_embd=1073741824",
                "n_layer=100000",
                "n_head=3",
                "n_head=0",
                "n_positions=1e400",
                "vocab_size=50256",
                "vocab_size=1099511627776",
                "resid_pdrop=1e400"
            })
    void readShouldRefuseAnArchitectureValueOutOfRange(String edit) throws Exception {
        String field = edit.substring(0, edit.indexOf('='));
        BigDecimal value = new BigDecimal(edit.substring(edit.indexOf('=') + 1));
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 8);
        editManifest(dir, m -> ((ObjectNode) m.get("architecture")).put(field, value));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining(ModelBundle.MANIFEST)
                .hasMessageContaining(field);
    }

    @Test
    void readShouldRefuseAConfigJsonThatDisagreesWithTheManifest() throws Exception {
        Path dir = TinyBundles.randomBundle(tmp.resolve("b"), 9);
        Path config = dir.resolve(ModelBundle.CONFIG);
        ObjectNode hf = (ObjectNode) JSON.readTree(config.toFile());
        hf.put("n_layer", 3);
        JSON.writeValue(config.toFile(), hf);
        // A matching hash, as a careless edit of both files would leave it.
        editManifest(
                dir, m -> ((ObjectNode) m.get("files")).put(ModelBundle.CONFIG, sha256(config)));

        assertThatThrownBy(() -> ModelBundle.read(dir))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining(ModelBundle.CONFIG)
                .hasMessageContaining("n_layer");
    }

    private static void editManifest(Path dir, Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve(ModelBundle.MANIFEST);
        ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(manifest);
        JSON.writeValue(file.toFile(), manifest);
    }

    private static String sha256(Path file) {
        try {
            return Sha256.ofFile(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
