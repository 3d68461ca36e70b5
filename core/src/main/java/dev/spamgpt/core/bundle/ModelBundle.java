package dev.spamgpt.core.bundle;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.spamgpt.core.checkpoint.Safetensors;
import dev.spamgpt.core.checkpoint.Weights;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The exported classifier: a folder with {@code manifest.json}, {@code config.json} and {@code
 * model.safetensors} (every weight, F32, Hugging Face names plus {@code score.*}).
 *
 * <p>{@link #read} checks the sha256 of every file the manifest lists, so the streams filter and
 * the mailet refuse a bundle that was truncated or changed, naming the file. The manifest may list
 * only those two files, and each must resolve inside the bundle folder. It also checks the values a
 * verdict depends on (threshold, architecture, max length, tokenizer, pooling) and that {@code
 * config.json} describes the same architecture as the manifest.
 */
public final class ModelBundle {

    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    /** The architecture's file name (Hugging Face layout). */
    public static final String CONFIG = "config.json";

    /** The weights' file name. */
    public static final String WEIGHTS = "model.safetensors";

    /** The only files a bundle has besides the manifest: nothing else may be named or read. */
    private static final List<String> FILES = List.of(WEIGHTS, CONFIG);

    // A fractional number where an int belongs (max_length 40.5) is an error, not truncated.
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    private static final DateTimeFormatter VERSION =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final BundleManifest manifest;
    private final GptConfig config;

    private ModelBundle(Path dir, BundleManifest manifest, GptConfig config) {
        this.dir = dir;
        this.manifest = manifest;
        this.config = config;
    }

    /**
     * Opens and verifies a bundle.
     *
     * @param dir the bundle folder
     * @return the bundle; weights are read by {@link #loadModel}
     * @throws BundleException if a file is missing, changed or malformed
     */
    public static ModelBundle read(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isDirectory(dir)) {
            throw new BundleException(
                    "model bundle "
                            + dir
                            + " does not exist or is not a folder; train one with 'spamgpt-trainer"
                            + " train --out DIR' and pass DIR/bundle");
        }
        BundleManifest manifest;
        try {
            manifest = JSON.readValue(manifestFile.toFile(), BundleManifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new BundleException(dir + " is not a model bundle: it has no " + MANIFEST);
        } catch (MismatchedInputException e) {
            String field =
                    e.getPath().stream()
                            .map(
                                    r ->
                                            r.getFieldName() != null
                                                    ? r.getFieldName()
                                                    : String.valueOf(r.getIndex()))
                            .collect(Collectors.joining("."));
            throw new BundleException(
                    manifestFile
                            + " has a value of the wrong type"
                            + (field.isEmpty() ? "" : " in '" + field + "'")
                            + ": "
                            + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new BundleException(manifestFile + " is not valid JSON: " + e.getMessage(), e);
        }
        if (manifest == null || !BundleManifest.FORMAT.equals(manifest.format())) {
            throw new BundleException(
                    manifestFile
                            + " is not a SpamGPT bundle manifest (format "
                            + (manifest == null ? null : manifest.format())
                            + ")");
        }
        if (manifest.formatVersion() != BundleManifest.FORMAT_VERSION) {
            throw new BundleException(
                    manifestFile
                            + " has format_version "
                            + manifest.formatVersion()
                            + "; this build reads version "
                            + BundleManifest.FORMAT_VERSION);
        }
        if (manifest.files() == null) {
            throw new BundleException(manifestFile + " lists no files");
        }
        for (String name : manifest.files().keySet()) {
            if (!FILES.contains(name)) {
                throw new BundleException(
                        manifestFile
                                + " lists the file '"
                                + name
                                + "'; a bundle holds only "
                                + String.join(" and ", FILES)
                                + " besides the manifest");
            }
        }
        for (String required : FILES) {
            if (!manifest.files().containsKey(required)) {
                throw new BundleException(manifestFile + " does not list " + required);
            }
        }
        for (Map.Entry<String, String> f : manifest.files().entrySet()) {
            Path file = insideBundle(dir, f.getKey());
            String actual;
            try {
                actual = Sha256.ofFile(file);
            } catch (IOException e) {
                throw new BundleException(
                        "cannot read bundle file " + file + ": " + e.getMessage(), e);
            }
            if (!actual.equalsIgnoreCase(f.getValue())) {
                throw new BundleException(
                        "bundle file "
                                + file
                                + " is corrupt or was changed: sha256 "
                                + actual
                                + ", the manifest says "
                                + f.getValue());
            }
        }
        GptConfig config = checkValues(manifest, manifestFile);
        checkConfigFile(dir.resolve(CONFIG), config);
        return new ModelBundle(dir, manifest, config);
    }

    /**
     * Resolves one of the bundle's own file names and makes sure the file really is in the folder:
     * a symlink may point elsewhere inside it (Kubernetes mounts ConfigMaps and Secrets that way),
     * never out of it.
     */
    private static Path insideBundle(Path dir, String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new BundleException("bundle file " + file + " is missing");
        }
        Path root;
        Path real;
        try {
            root = dir.toRealPath();
            real = file.toRealPath();
        } catch (IOException e) {
            throw new BundleException(
                    "cannot resolve bundle file " + file + ": " + e.getMessage(), e);
        }
        if (!real.startsWith(root)) {
            throw new BundleException(
                    "bundle file '"
                            + name
                            + "' in "
                            + dir
                            + " is a link to "
                            + real
                            + ", outside the bundle folder "
                            + root);
        }
        return file;
    }

    /**
     * Checks every manifest value that decides a verdict or a shape.
     *
     * <p>The threshold must be a finite number in [0, 1]: a spam probability is compared with it
     * ({@code p >= threshold}), so anything outside sends every text to one side. Both ends stay
     * allowed, as they are for the threshold override: the trainer's threshold selection stores 0
     * when the false-positive target admits every ham, and 1 when the top spam scores round to
     * 1.0f.
     */
    private static GptConfig checkValues(BundleManifest manifest, Path manifestFile) {
        GptConfig config;
        try {
            if (manifest.architecture() == null) {
                throw new IllegalArgumentException("it is missing");
            }
            config = manifest.config();
        } catch (RuntimeException e) {
            throw new BundleException(
                    manifestFile + " has an invalid architecture: " + e.getMessage(), e);
        }
        if (config.vocabSize() < GptConfig.GPT2_VOCAB_SIZE) {
            throw new BundleException(
                    manifestFile
                            + " has an invalid architecture: vocab_size "
                            + config.vocabSize()
                            + " is smaller than the "
                            + GptConfig.GPT2_VOCAB_SIZE
                            + " token ids of "
                            + Gpt2Tokenizer.ID);
        }
        if (!Gpt2Tokenizer.ID.equals(manifest.tokenizer())) {
            throw new BundleException(
                    manifestFile
                            + " has tokenizer '"
                            + manifest.tokenizer()
                            + "'; this build has only "
                            + Gpt2Tokenizer.ID);
        }
        try {
            Pooling.of(String.valueOf(manifest.pooling()));
        } catch (IllegalArgumentException e) {
            throw new BundleException(
                    manifestFile + " has pooling '" + manifest.pooling() + "': " + e.getMessage(),
                    e);
        }
        double threshold = manifest.threshold();
        if (!(threshold >= 0 && threshold <= 1)) { // also false for NaN
            throw new BundleException(
                    manifestFile
                            + " has threshold "
                            + threshold
                            + "; it must be a spam probability from 0 to 1");
        }
        if (manifest.maxLength() <= 0 || manifest.maxLength() > config.contextLength()) {
            throw new BundleException(
                    manifestFile
                            + " has max_length "
                            + manifest.maxLength()
                            + ", outside 1.."
                            + config.contextLength());
        }
        return config;
    }

    /**
     * config.json is what Hugging Face tools read: it must describe the model the manifest loads.
     */
    private static void checkConfigFile(Path file, GptConfig expected) {
        GptConfig actual;
        try {
            actual =
                    GptConfig.fromHfConfig(
                            JSON.readValue(
                                    file.toFile(), new TypeReference<Map<String, Object>>() {}));
        } catch (IOException | RuntimeException e) {
            throw new BundleException(file + " does not describe a GPT-2: " + e.getMessage(), e);
        }
        Map<String, Object> want = expected.toHfConfig();
        Map<String, Object> got = actual.toHfConfig();
        for (Map.Entry<String, Object> field : want.entrySet()) {
            Object other = got.get(field.getKey());
            if (!Objects.deepEquals(field.getValue(), other)) {
                throw new BundleException(
                        file
                                + " disagrees with the architecture of "
                                + MANIFEST
                                + ": "
                                + field.getKey()
                                + " is "
                                + other
                                + " there and "
                                + field.getValue()
                                + " in "
                                + MANIFEST);
            }
        }
    }

    /**
     * Writes a bundle from a model in memory.
     *
     * @param dir the folder to create or overwrite
     * @param model the classifier
     * @param manifest everything but {@code files} and the architecture, which are filled in
     * @return the written bundle
     * @throws IOException if a file cannot be written
     */
    public static ModelBundle write(Path dir, Gpt2ForClassification model, BundleManifest manifest)
            throws IOException {
        prepare(dir, model.transformer().config(), manifest);
        Files.createDirectories(dir);
        Safetensors.write(
                dir.resolve(WEIGHTS),
                Weights.arrays(model.namedParameters()),
                Collections.singletonMap("format", "pt"));
        return finish(dir, model.transformer().config(), manifest);
    }

    /**
     * Writes a bundle from weights held as Java arrays (tools and tests).
     *
     * @param dir the folder to create or overwrite
     * @param config the architecture
     * @param weights name to values, the names of {@link Gpt2ForClassification#namedParameters()}
     * @param shapes name to shape
     * @param manifest everything but {@code files} and the architecture
     * @return the written bundle
     * @throws IOException if a file cannot be written
     */
    public static ModelBundle write(
            Path dir,
            GptConfig config,
            Map<String, float[]> weights,
            Map<String, Shape> shapes,
            BundleManifest manifest)
            throws IOException {
        prepare(dir, config, manifest);
        Files.createDirectories(dir);
        Safetensors.writeFloats(
                dir.resolve(WEIGHTS), weights, shapes, Collections.singletonMap("format", "pt"));
        return finish(dir, config, manifest);
    }

    /** Fills in the defaults and checks the values before any file is written. */
    private static void prepare(Path dir, GptConfig config, BundleManifest manifest) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (manifest.createdAt() == null) {
            manifest.createdAt(now.toString());
        }
        if ("0".equals(manifest.version())) {
            manifest.version(VERSION.format(now));
        }
        if (manifest.maxLength() <= 0) {
            manifest.maxLength(config.contextLength());
        }
        manifest.architecture(config);
        checkValues(manifest, dir.resolve(MANIFEST));
    }

    private static ModelBundle finish(Path dir, GptConfig config, BundleManifest manifest)
            throws IOException {
        writeJson(dir.resolve(CONFIG), config.toHfConfig());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(WEIGHTS, Sha256.ofFile(dir.resolve(WEIGHTS)));
        files.put(CONFIG, Sha256.ofFile(dir.resolve(CONFIG)));
        manifest.architecture(config).files(files);
        writeJson(dir.resolve(MANIFEST), manifest);
        return read(dir);
    }

    /**
     * Rewrites the manifest, for changes that leave the weights alone (a new threshold).
     *
     * @param change edits the manifest in place or returns another
     * @return the bundle with the new manifest
     * @throws IOException if the manifest cannot be written
     */
    public ModelBundle updateManifest(UnaryOperator<BundleManifest> change) throws IOException {
        BundleManifest updated = change.apply(manifest);
        updated.files(manifest.files()).architecture(config);
        checkValues(updated, dir.resolve(MANIFEST));
        writeJson(dir.resolve(MANIFEST), updated);
        return read(dir);
    }

    /**
     * Creates the classifier and fills it with the bundle's weights.
     *
     * @param manager owns the weights
     * @return the model, every parameter loaded (none frozen)
     * @throws BundleException if the weights do not fit the architecture
     */
    public Gpt2ForClassification loadModel(NDManager manager) {
        Gpt2ForClassification model =
                new Gpt2ForClassification(
                        new Gpt2Model(config),
                        new ClassificationHead(config.embDim(), Gpt2ForClassification.NUM_CLASSES));
        Map<String, Parameter> params = model.namedParameters();
        try (Safetensors weights = Safetensors.open(dir.resolve(WEIGHTS))) {
            for (String name : weights.tensors().keySet()) {
                if (!params.containsKey(name)) {
                    throw new IOException(
                            weights.file() + " has an unexpected tensor '" + name + "'");
                }
            }
            Map<String, Safetensors.TensorInfo> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> p : params.entrySet()) {
                Safetensors.TensorInfo info = weights.tensors().get(p.getKey());
                if (info == null) {
                    throw new IOException(
                            weights.file() + " lacks the tensor '" + p.getKey() + "'");
                }
                if (!info.shape().equals(p.getValue().getShape())) {
                    throw new IOException(
                            "tensor '"
                                    + p.getKey()
                                    + "' in "
                                    + weights.file()
                                    + " has shape "
                                    + info.shape()
                                    + ", the architecture needs "
                                    + p.getValue().getShape());
                }
                tensors.put(p.getKey(), info);
            }
            Weights.initializeFrom(model, params, tensors, weights, manager);
        } catch (IOException e) {
            throw new BundleException(
                    "cannot load the weights of bundle " + dir + ": " + e.getMessage(), e);
        }
        return model;
    }

    /**
     * @return the bundle folder
     */
    public Path dir() {
        return dir;
    }

    /**
     * @return the manifest
     */
    public BundleManifest manifest() {
        return manifest;
    }

    /**
     * @return the architecture
     */
    public GptConfig config() {
        return config;
    }

    private static void writeJson(Path file, Object value) throws IOException {
        Path tmp = TempFiles.sibling(file);
        try {
            JSON.writeValue(tmp.toFile(), value);
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
