package dev.spamgpt.core.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Hugging Face GPT-2 folder: {@code config.json} plus {@code model.safetensors}.
 *
 * <p>Loading maps the file's keys one for one onto {@link Gpt2Model#namedParameters()}. It accepts
 * the keys of {@code GPT2Model} ({@code wte.weight}) and of {@code GPT2LMHeadModel} ({@code
 * transformer.wte.weight}), with or without {@code lm_head.weight} (which must equal {@code
 * wte.weight}: the head is tied), and skips the causal-mask buffers {@code h.N.attn.bias} and
 * {@code h.N.attn.masked_bias}. F32, F16 and BF16 tensors become F32. The Conv1D weights are stored
 * {@code [in, out]} in the file and in the model, so nothing is transposed; every shape is checked
 * against the config before a byte of data is read.
 */
public final class HfCheckpoint {

    /** The architecture's file name. */
    public static final String CONFIG = "config.json";

    /** The weights' file name. */
    public static final String WEIGHTS = "model.safetensors";

    private static final String PREFIX = "transformer.";
    private static final String LM_HEAD = "lm_head.weight";
    private static final String WTE = "wte.weight";
    private static final Pattern MASK_BUFFER =
            Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfCheckpoint() {}

    /**
     * Reads the architecture from a folder's {@code config.json}.
     *
     * @param folder the checkpoint folder
     * @return the configuration
     * @throws IOException naming {@code config.json} if it is missing, not JSON or not a GPT-2
     *     config
     */
    public static GptConfig readConfig(Path folder) throws IOException {
        Path file = requireFile(folder, CONFIG);
        Map<String, Object> fields;
        try {
            fields = JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a JSON object: " + e.getOriginalMessage(), e);
        }
        if (fields == null) {
            throw new IOException(file + " is empty");
        }
        try {
            return GptConfig.fromHfConfig(fields);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not describe a GPT-2: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a folder without loading it: the config, the file's header, and every tensor's name,
     * dtype and shape. Needs no engine and reads no tensor data, so it is cheap even for GPT-2 XL.
     *
     * @param folder holds {@code config.json} and {@code model.safetensors}
     * @return the architecture
     * @throws IOException naming the file or tensor that {@link #load} would refuse
     */
    public static GptConfig verify(Path folder) throws IOException {
        GptConfig config = readConfig(folder);
        try (Safetensors st = Safetensors.open(requireFile(folder, WEIGHTS))) {
            match(st, new Gpt2Model(config).namedParameters(), config);
        }
        return config;
    }

    /**
     * Loads a checkpoint folder.
     *
     * @param folder holds {@code config.json} and {@code model.safetensors}
     * @param manager owns the weights
     * @return the model with every weight loaded, in F32
     * @throws IOException naming the file or the tensor that is missing, malformed, of the wrong
     *     shape or unexpected; nothing is left in {@code manager} then
     */
    public static Gpt2Model load(Path folder, NDManager manager) throws IOException {
        GptConfig config = readConfig(folder);
        Path file = requireFile(folder, WEIGHTS);
        Gpt2Model model = new Gpt2Model(config);
        Map<String, Parameter> params = model.namedParameters();
        try (Safetensors st = Safetensors.open(file)) {
            Map<String, Safetensors.TensorInfo> tensors = match(st, params, config);
            checkTiedHead(st, tensors);
            Weights.initializeFrom(model, params, tensors, st, manager);
        }
        return model;
    }

    /**
     * Writes a model as a Hugging Face folder: {@code config.json} and an F32 {@code
     * model.safetensors} with {@code GPT2Model} keys (no prefix, no {@code lm_head}).
     *
     * @param folder created if needed; existing files are replaced
     * @param model the model
     * @throws IOException if a file cannot be written
     */
    public static void save(Path folder, Gpt2Model model) throws IOException {
        Files.createDirectories(folder);
        Safetensors.write(
                folder.resolve(WEIGHTS),
                Weights.arrays(model.namedParameters()),
                Collections.singletonMap("format", "pt"));
        writeConfig(folder, model.config());
    }

    /**
     * Writes only {@code config.json} (tools that write the weights themselves).
     *
     * @param folder created if needed
     * @param config the architecture
     * @throws IOException if the file cannot be written
     */
    public static void writeConfig(Path folder, GptConfig config) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve(CONFIG);
        Path tmp = TempFiles.sibling(file);
        try {
            JSON.writeValue(tmp.toFile(), config.toHfConfig());
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file {@code name} of the folder, which must exist. */
    private static Path requireFile(Path folder, String name) throws IOException {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException(
                    file
                            + " is missing: a Hugging Face GPT-2 folder holds "
                            + CONFIG
                            + " and "
                            + WEIGHTS);
        }
        return file;
    }

    /** Maps model names to the file's tensors, refusing anything missing, extra or misshapen. */
    private static Map<String, Safetensors.TensorInfo> match(
            Safetensors st, Map<String, Parameter> params, GptConfig config) throws IOException {
        Map<String, Safetensors.TensorInfo> found = new LinkedHashMap<>();
        for (Safetensors.TensorInfo info : st.tensors().values()) {
            String name =
                    info.name().startsWith(PREFIX)
                            ? info.name().substring(PREFIX.length())
                            : info.name();
            if (MASK_BUFFER.matcher(name).matches()) {
                continue;
            }
            if (!params.containsKey(name) && !LM_HEAD.equals(name)) {
                throw new IOException(
                        st.file()
                                + " has an unexpected tensor '"
                                + info.name()
                                + "': it is not a weight of "
                                + describe(config));
            }
            Safetensors.TensorInfo other = found.put(name, info);
            if (other != null) {
                throw new IOException(
                        st.file()
                                + " holds '"
                                + name
                                + "' twice: as '"
                                + other.name()
                                + "' and as '"
                                + info.name()
                                + "'");
            }
            checkDtype(st, info);
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Safetensors.TensorInfo info = found.get(e.getKey());
            if (info == null) {
                missing.add(e.getKey());
                continue;
            }
            checkShape(st, info, e.getValue().getShape());
        }
        if (!missing.isEmpty()) {
            throw new IOException(
                    st.file()
                            + " lacks the tensor '"
                            + missing.get(0)
                            + "'"
                            + (missing.size() > 1
                                    ? " and "
                                            + (missing.size() - 1)
                                            + " more "
                                            + missing.subList(1, Math.min(missing.size(), 6))
                                    : "")
                            + ", needed by "
                            + describe(config));
        }
        Safetensors.TensorInfo head = found.get(LM_HEAD);
        if (head != null) {
            checkShape(st, head, params.get(WTE).getShape());
        }
        return found;
    }

    private static void checkDtype(Safetensors st, Safetensors.TensorInfo info) throws IOException {
        String dtype = info.dtype();
        if (!"F32".equals(dtype) && !"F16".equals(dtype) && !"BF16".equals(dtype)) {
            throw new IOException(
                    "tensor '"
                            + info.name()
                            + "' in "
                            + st.file()
                            + " has dtype "
                            + dtype
                            + "; GPT-2 weights must be F32, F16 or BF16");
        }
    }

    private static void checkShape(Safetensors st, Safetensors.TensorInfo info, Shape expected)
            throws IOException {
        Shape actual = info.shape();
        if (actual.equals(expected)) {
            return;
        }
        String hint = "";
        if (expected.dimension() == 2
                && actual.dimension() == 2
                && expected.get(0) != expected.get(1)
                && actual.get(0) == expected.get(1)
                && actual.get(1) == expected.get(0)) {
            hint = " (it looks transposed: GPT-2's Conv1D weights are stored [in, out])";
        }
        throw new IOException(
                "tensor '"
                        + info.name()
                        + "' in "
                        + st.file()
                        + " has shape "
                        + actual
                        + ", "
                        + CONFIG
                        + " implies "
                        + expected
                        + hint);
    }

    /** SpamGPT's LM head reuses wte, so an explicit head that differs would be silently wrong. */
    private static void checkTiedHead(Safetensors st, Map<String, Safetensors.TensorInfo> tensors)
            throws IOException {
        Safetensors.TensorInfo head = tensors.get(LM_HEAD);
        if (head == null) {
            return;
        }
        if (!Arrays.equals(st.readFloats(head), st.readFloats(tensors.get(WTE)))) {
            throw new IOException(
                    "tensor '"
                            + head.name()
                            + "' in "
                            + st.file()
                            + " differs from '"
                            + tensors.get(WTE).name()
                            + "': GPT-2 ties its LM head to the token embeddings,"
                            + " and a checkpoint with an untied head is not supported");
        }
    }

    private static String describe(GptConfig c) {
        return "the GPT-2 of "
                + CONFIG
                + " (n_layer="
                + c.nLayers()
                + ", n_embd="
                + c.embDim()
                + ", vocab_size="
                + c.vocabSize()
                + ", n_positions="
                + c.contextLength()
                + ")";
    }
}
