package dev.spamgpt.core.testing;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.checkpoint.Safetensors;
import dev.spamgpt.core.model.Gpt2Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The golden GPT-2 fixture written by {@code src/test/resources/golden/make_golden.py}: a tiny
 * random checkpoint in the GPT2LMHeadModel layout (F16, {@code transformer.} prefix, tied {@code
 * lm_head.weight}, mask buffers) and the logits and greedy ids PyTorch computed for it.
 *
 * <p>The files are read from the classpath, so other modules' tests can use them through the core
 * test-jar; {@link #copyCheckpoint} puts the checkpoint in a real folder, and {@link
 * #copyCheckpointWithBareKeys} the same weights in the other key layout. {@link #loadBothLayouts}
 * and {@link #layoutsAndCases} serve the tests that hold every case against both layouts.
 */
public final class GoldenFixture {

    /** The name of the layout as written: {@code transformer.} prefix, tied head, buffers. */
    public static final String PREFIXED = "transformer.-prefixed";

    /** The name of the GPT2Model layout, as {@link #copyCheckpointWithBareKeys} writes it. */
    public static final String BARE_KEYS = "bare keys";

    private static final String ROOT = "/golden/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenFixture() {}

    /** One prompt and what PyTorch computed for it. */
    public static final class Case {
        private final JsonNode node;

        Case(JsonNode node) {
            this.node = node;
        }

        /**
         * @return the case name, such as {@code every_effort}
         */
        public String name() {
            return node.get("name").asText();
        }

        /**
         * @return the prompt's token ids
         */
        public int[] inputIds() {
            return ints(node.get("input_ids"));
        }

        /**
         * @return the vocabulary ids whose logits are stored for every position
         */
        public int[] columns() {
            return ints(node.get("columns"));
        }

        /**
         * @return logits[position][k] for vocabulary id {@code columns()[k]}
         */
        public float[][] logits() {
            JsonNode rows = node.get("logits");
            float[][] out = new float[rows.size()][];
            for (int t = 0; t < out.length; t++) {
                out[t] = floats(rows.get(t));
            }
            return out;
        }

        /**
         * @return the argmax over the full vocabulary at each position
         */
        public int[] argmax() {
            return ints(node.get("argmax"));
        }

        /**
         * @return the logsumexp over the full vocabulary at each position
         */
        public float[] logsumexp() {
            return floats(node.get("logsumexp"));
        }

        /**
         * @return the greedy continuation (context cropped to n_positions)
         */
        public int[] greedyIds() {
            return ints(node.get("greedy_ids"));
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * @return every case: "Every effort moves you", "Hello, I am", and a long cropped prompt
     */
    public static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        golden().get("cases").forEach(c -> out.add(new Case(c)));
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns one case.
     *
     * @param name such as {@code every_effort}
     * @return the case
     */
    public static Case get(String name) {
        for (Case c : cases()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no golden case " + name);
    }

    /**
     * @return the number of tokens each case generates (8)
     */
    public static int newTokens() {
        return golden().get("new_tokens").asInt();
    }

    /**
     * @return the parsed {@code golden.json}
     */
    public static JsonNode golden() {
        try (InputStream in = open("golden.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the checkpoint ({@code config.json}, {@code model.safetensors}) into a folder.
     *
     * @param folder created if needed
     * @return {@code folder}
     */
    public static Path copyCheckpoint(Path folder) {
        try {
            Files.createDirectories(folder);
            for (String name : new String[] {"config.json", "model.safetensors"}) {
                try (InputStream in = open("tiny-gpt2/" + name)) {
                    Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    /**
     * Copies the checkpoint rewritten in the GPT2Model layout, like {@code openai-community/gpt2}'s
     * own safetensors file: keys without the {@code transformer.} prefix, no {@code lm_head},
     * buffers kept, every tensor in its original dtype.
     *
     * @param folder created if needed
     * @param scratch a folder for the checkpoint as written, created if needed
     * @return {@code folder}
     */
    public static Path copyCheckpointWithBareKeys(Path folder, Path scratch) {
        Path from = copyCheckpoint(scratch);
        try {
            Files.createDirectories(folder);
            Files.copy(
                    from.resolve(HfCheckpoint.CONFIG),
                    folder.resolve(HfCheckpoint.CONFIG),
                    StandardCopyOption.REPLACE_EXISTING);
            Map<String, TinyCheckpoints.Tensor> tensors = new LinkedHashMap<>();
            try (Safetensors st = Safetensors.open(from.resolve(HfCheckpoint.WEIGHTS))) {
                for (Safetensors.TensorInfo info : st.tensors().values()) {
                    if (info.name().equals("lm_head.weight")) {
                        continue;
                    }
                    if (!info.name().startsWith("transformer.")) {
                        throw new IllegalStateException(
                                "golden key without the transformer. prefix: " + info.name());
                    }
                    tensors.put(
                            info.name().substring("transformer.".length()),
                            new TinyCheckpoints.Tensor(
                                    info.dtype(), info.shape(), st.readFloats(info)));
                }
            }
            TinyCheckpoints.writeSafetensors(folder.resolve(HfCheckpoint.WEIGHTS), tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }

    /**
     * Loads the checkpoint in both key layouts.
     *
     * @param tmp a folder for the copies, created if needed
     * @param manager owns the weights
     * @return {@link #PREFIXED} and {@link #BARE_KEYS} to their model, in that order
     * @throws IOException if a copy does not load
     */
    public static Map<String, Gpt2Model> loadBothLayouts(Path tmp, NDManager manager)
            throws IOException {
        Map<String, Gpt2Model> models = new LinkedHashMap<>();
        models.put(PREFIXED, HfCheckpoint.load(copyCheckpoint(tmp.resolve("prefixed")), manager));
        models.put(
                BARE_KEYS,
                HfCheckpoint.load(
                        copyCheckpointWithBareKeys(tmp.resolve("bare"), tmp.resolve("scratch")),
                        manager));
        return Collections.unmodifiableMap(models);
    }

    /**
     * @return every layout name with every case, for a {@code @MethodSource}
     */
    public static Stream<Arguments> layoutsAndCases() {
        return Stream.of(PREFIXED, BARE_KEYS)
                .flatMap(layout -> cases().stream().map(c -> Arguments.of(layout, c)));
    }

    /**
     * Copies {@code golden_logits.safetensors} (full last-position rows, keyed by case name).
     *
     * @param file the target file
     * @return {@code file}
     */
    public static Path copyLastRows(Path file) {
        try (InputStream in = open("golden_logits.safetensors")) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = GoldenFixture.class.getResourceAsStream(ROOT + name);
        if (in == null) {
            throw new IOException(
                    "test resource " + ROOT + name + " is missing; run make_golden.py");
        }
        return in;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
