package dev.spamgpt.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.TinyCheckpoints;
import dev.spamgpt.core.testing.TinyCheckpoints.Options;
import dev.spamgpt.core.testing.TinyCheckpoints.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HfCheckpointTest {

    @TempDir Path tmp;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    static Stream<Options> layouts() {
        return Stream.of(
                TinyCheckpoints.options(),
                TinyCheckpoints.options().prefix(true).lmHead(true).maskBuffers(true).dtype("F16"),
                TinyCheckpoints.options().prefix(true).maskBuffers(true).dtype("BF16"),
                TinyCheckpoints.options().lmHead(true).dtype("F32"),
                TinyCheckpoints.options().maskBuffers(true).dtype("F16").seed(7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void loadShouldCopyEveryTensorExactlyWhateverTheLayout(Options options) throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), options);

        Gpt2Model model = HfCheckpoint.load(folder, manager);

        assertThat(model.config()).isEqualTo(TinyCheckpoints.TINY);
        Map<String, float[]> expected = TinyCheckpoints.weights(options);
        Map<String, Parameter> params = model.namedParameters();
        assertThat(params.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            assertThat(e.getValue().getArray().toFloatArray())
                    .as(e.getKey())
                    .isEqualTo(expected.get(e.getKey()));
            assertThat(e.getValue().getArray().getManager()).as(e.getKey()).isSameAs(manager);
        }
    }

    @Test
    void saveShouldWriteAFolderThatLoadsBackTheSameModel() throws IOException {
        Gpt2Model original = Gpt2Model.random(TinyCheckpoints.TINY, manager);
        Path folder = tmp.resolve("saved");

        HfCheckpoint.save(folder, original);
        Gpt2Model copy = HfCheckpoint.load(folder, manager);

        assertThat(HfCheckpoint.readConfig(folder)).isEqualTo(original.config());
        try (Safetensors st = Safetensors.open(folder.resolve(HfCheckpoint.WEIGHTS))) {
            assertThat(st.tensors().keySet())
                    .containsExactlyElementsOf(original.namedParameters().keySet());
        }
        for (Map.Entry<String, Parameter> e : original.namedParameters().entrySet()) {
            assertThat(copy.namedParameters().get(e.getKey()).getArray().toFloatArray())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().getArray().toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void verifyShouldAcceptEveryLayoutWithoutReadingData(Options options) throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), options);

        assertThat(HfCheckpoint.verify(folder)).isEqualTo(TinyCheckpoints.TINY);
    }

    @Test
    void verifyShouldRefuseWhatLoadRefuses() {
        Map<String, Tensor> tensors =
                TinyCheckpoints.tensors(TinyCheckpoints.options().prefix(true));
        tensors.remove("transformer.wpe.weight");

        assertThatThrownBy(() -> HfCheckpoint.verify(folderWith(tensors)))
                .hasMessageContaining("lacks the tensor 'wpe.weight'");
    }

    @Test
    void loadShouldNameAMissingTensor() {
        Map<String, Tensor> tensors =
                TinyCheckpoints.tensors(TinyCheckpoints.options().prefix(true));
        tensors.remove("transformer.h.1.mlp.c_fc.weight");

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lacks the tensor 'h.1.mlp.c_fc.weight'")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void loadShouldNameATensorOfTheWrongShape() {
        Map<String, Tensor> tensors = TinyCheckpoints.tensors(TinyCheckpoints.options());
        tensors.put("h.0.attn.c_proj.bias", new Tensor("F32", new Shape(9), new float[9]));

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'h.0.attn.c_proj.bias'")
                .hasMessageContaining("has shape (9), config.json implies (8)");
    }

    @Test
    void loadShouldSpotAConv1DWeightStoredTransposed() {
        Map<String, Tensor> tensors = TinyCheckpoints.tensors(TinyCheckpoints.options());
        Tensor w = tensors.get("h.1.mlp.c_fc.weight"); // [8, 32]
        tensors.put("h.1.mlp.c_fc.weight", new Tensor("F32", new Shape(32, 8), w.values()));

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .hasMessageContaining("'h.1.mlp.c_fc.weight'")
                .hasMessageContaining("looks transposed");
    }

    @Test
    void loadShouldRefuseAnUnexpectedTensor() {
        Map<String, Tensor> tensors =
                TinyCheckpoints.tensors(TinyCheckpoints.options().prefix(true));
        tensors.put("transformer.h.2.ln_1.weight", new Tensor("F32", new Shape(8), new float[8]));

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .hasMessageContaining("unexpected tensor 'transformer.h.2.ln_1.weight'")
                .hasMessageContaining("n_layer=2");
    }

    @Test
    void loadShouldRefuseTheSameTensorWithAndWithoutPrefix() {
        Map<String, Tensor> tensors = TinyCheckpoints.tensors(TinyCheckpoints.options());
        tensors.put("transformer.ln_f.bias", tensors.get("ln_f.bias"));

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .hasMessageContaining("holds 'ln_f.bias' twice");
    }

    @Test
    void loadShouldRefuseAnLmHeadThatIsNotTiedToWte() {
        Map<String, Tensor> tensors =
                TinyCheckpoints.tensors(TinyCheckpoints.options().lmHead(true));
        float[] head = tensors.get("lm_head.weight").values().clone();
        head[12345] += 0.5f;
        tensors.put("lm_head.weight", new Tensor("F32", tensors.get("wte.weight").shape(), head));

        assertThatThrownBy(() -> HfCheckpoint.load(folderWith(tensors), manager))
                .hasMessageContaining("'lm_head.weight'")
                .hasMessageContaining("differs from 'wte.weight'");
    }

    @Test
    void loadShouldRefuseAnIntegerWeight() throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options());
        Path file = folder.resolve(HfCheckpoint.WEIGHTS);
        // Same byte width, so the header stays self-consistent: only the dtype is wrong.
        replaceInHeader(
                file, "\"ln_f.weight\":{\"dtype\":\"F32\"", "\"ln_f.weight\":{\"dtype\":\"I32\"");

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .hasMessageContaining("'ln_f.weight'")
                .hasMessageContaining("dtype I32");
    }

    @Test
    void loadShouldNameATruncatedFile() throws IOException {
        Path folder =
                TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options().prefix(true));
        Path file = folder.resolve(HfCheckpoint.WEIGHTS);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 20);
        }

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("transformer.ln_f.bias")
                .hasMessageContaining("truncated");
    }

    @Test
    void loadShouldNameACorruptHeader() throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options());
        Path file = folder.resolve(HfCheckpoint.WEIGHTS);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(8);
            raf.write("#garbage#".getBytes(StandardCharsets.US_ASCII));
        }

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a valid safetensors file");
    }

    /** A file of the folder to delete (no content) or overwrite, and what the error says next. */
    static Stream<Arguments> missingOrUnreadableFiles() {
        return Stream.of(
                Arguments.of("model.safetensors", null, " is missing"),
                Arguments.of("config.json", null, " is missing"),
                Arguments.of(
                        "model.safetensors",
                        "<html>404 Not Found</html>",
                        " is not a valid safetensors file"),
                Arguments.of("config.json", "{\"n_embd\": 8,", " is not a JSON object"));
    }

    @ParameterizedTest(name = "{0}{2}")
    @MethodSource("missingOrUnreadableFiles")
    void loadShouldNameAFileThatIsMissingOrUnreadable(String name, String content, String error)
            throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options());
        Path file = folder.resolve(name);
        if (content == null) {
            Files.delete(file);
        } else {
            Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        }

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .hasMessageContaining(file + error);
    }

    @Test
    void loadShouldNameAConfigThatIsNotAGpt2() throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options());
        Files.write(
                folder.resolve(HfCheckpoint.CONFIG),
                "{\"model_type\": \"gpt2\", \"n_layer\": 2, \"n_head\": 2}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .hasMessageContaining(folder.resolve("config.json").toString())
                .hasMessageContaining("n_embd");
    }

    @Test
    void loadShouldRefuseWeightsOfAnotherSizeThanTheConfig() throws IOException {
        Path folder = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.options());
        TinyCheckpoints.writeConfig(
                folder.resolve(HfCheckpoint.CONFIG),
                new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 2, 2, 1e-5f, 0f));

        assertThatThrownBy(() -> HfCheckpoint.load(folder, manager))
                .hasMessageContaining("'wte.weight'")
                .hasMessageContaining("has shape (50257, 8), config.json implies (50257, 16)");
    }

    @Test
    void loadShouldAcceptACheckpointWithAHundredBlocks() throws IOException {
        // The file's keys come from a one-block checkpoint, so they do not depend on how the
        // model names its own blocks.
        GptConfig one = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 4, 4, 1, 1, 1e-5f, 0f);
        GptConfig deep = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 4, 4, 100, 1, 1e-5f, 0f);
        Map<String, Tensor> block = TinyCheckpoints.tensors(TinyCheckpoints.options().config(one));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        block.forEach(
                (name, t) -> {
                    if (name.startsWith("h.0.")) {
                        for (int i = 0; i < deep.nLayers(); i++) {
                            tensors.put("h." + i + name.substring(3), t);
                        }
                    } else {
                        tensors.put(name, t);
                    }
                });
        Path folder = tmp.resolve("deep");
        Files.createDirectories(folder);
        TinyCheckpoints.writeConfig(folder.resolve(HfCheckpoint.CONFIG), deep);
        TinyCheckpoints.writeSafetensors(folder.resolve(HfCheckpoint.WEIGHTS), tensors);

        assertThat(HfCheckpoint.verify(folder)).isEqualTo(deep);
        Gpt2Model model = HfCheckpoint.load(folder, manager);
        assertThat(model.namedParameters().get("h.99.mlp.c_proj.bias").getArray().toFloatArray())
                .containsExactly(block.get("h.0.mlp.c_proj.bias").values());
        assertThat(model.namedParameters().get("ln_f.weight").getArray().toFloatArray())
                .containsExactly(block.get("ln_f.weight").values());
    }

    private Path folderWith(Map<String, Tensor> tensors) throws IOException {
        Path folder = tmp.resolve("edited");
        Files.createDirectories(folder);
        TinyCheckpoints.writeConfig(folder.resolve(HfCheckpoint.CONFIG), TinyCheckpoints.TINY);
        TinyCheckpoints.writeSafetensors(folder.resolve(HfCheckpoint.WEIGHTS), tensors);
        return folder;
    }

    private static void replaceInHeader(Path file, String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(latin).contains(from);
        Files.write(file, latin.replace(from, to).getBytes(StandardCharsets.ISO_8859_1));
    }
}
