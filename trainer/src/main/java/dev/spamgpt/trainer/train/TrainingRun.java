package dev.spamgpt.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.BundleManifest;
import dev.spamgpt.core.bundle.DataDomain;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Djl;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.baseline.BaselineReport;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import dev.spamgpt.trainer.eval.TrainingPlot;
import dev.spamgpt.trainer.eval.TrainingReport;
import dev.spamgpt.trainer.train.ClassifierPass.Predictions;
import dev.spamgpt.trainer.train.ClassifierPass.Split;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code train} run end to end: read the prepared splits, build the classifier (a pretrained
 * GPT-2 or a random one), fine-tune, score every split, and write the bundle, {@code metrics.json}
 * and {@code training.png} into the output folder.
 */
public final class TrainingRun implements AutoCloseable {

    /** The bundle's folder inside the output folder. */
    public static final String BUNDLE = "bundle";

    /** The metrics file inside the output folder. */
    public static final String METRICS = "metrics.json";

    /** The plot inside the output folder. */
    public static final String PLOT = "training.png";

    /** The decision threshold until {@code evaluate --threshold-for-fpr} picks another. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NDManager manager;
    private final Gpt2ForClassification model;
    private final BundleManifest manifest;
    private final Map<String, Object> metrics;
    private final Map<String, Predictions> predictions;
    private final Map<String, List<LabelledText>> data;

    private TrainingRun(
            NDManager manager,
            Gpt2ForClassification model,
            BundleManifest manifest,
            Map<String, Object> metrics,
            Map<String, Predictions> predictions,
            Map<String, List<LabelledText>> data) {
        this.manager = manager;
        this.model = model;
        this.manifest = manifest;
        this.metrics = metrics;
        this.predictions = predictions;
        this.data = data;
    }

    /**
     * What to train and where to write it.
     *
     * @param dataDir holds {@code train.csv}, {@code validation.csv}, {@code test.csv} and, from
     *     {@code prepare}, {@code dataset.json}
     * @param outDir receives the bundle, the metrics and the plot
     * @param baseModelId the hub id or folder given, recorded in the manifest; null for random init
     * @param baseModelFolder the resolved checkpoint folder; null for random init
     * @param randomConfig the architecture for random init; null for a checkpoint
     * @param trainable which weights train
     * @param pooling how batches are padded and read
     * @param maxLength tokens kept per text; 0 for the default (the context for last-token pooling,
     *     the longest training example for book pooling)
     * @param options epochs, batch size, AdamW, seed, evaluation schedule
     * @param cache whether to cache the frozen lower layers when possible
     * @param dropout the dropout rate while training (the book uses 0)
     * @param modelId the bundle's {@code id}
     */
    public record Settings(
            Path dataDir,
            Path outDir,
            String baseModelId,
            Path baseModelFolder,
            GptConfig randomConfig,
            TrainableLayers trainable,
            Pooling pooling,
            int maxLength,
            TrainOptions options,
            boolean cache,
            float dropout,
            String modelId) {}

    /**
     * Runs the whole thing. The trained model stays in memory until {@link #close()}.
     *
     * @param settings what to do
     * @param log where progress goes (the book's lines, progress bars, the final metrics)
     * @param interactive whether {@code log} is a terminal
     * @return the finished run
     * @throws IOException if data cannot be read or outputs cannot be written
     * @throws IllegalArgumentException for data or settings that cannot work
     */
    public static TrainingRun run(Settings settings, PrintStream log, boolean interactive)
            throws IOException {
        Map<String, List<LabelledText>> data = new LinkedHashMap<>();
        for (String split : List.of("train", "validation", "test")) {
            data.put(split, readSplit(settings.dataDir(), split));
        }
        long cpuStart = cpuNanos();
        Device device = Djl.device("auto");
        log.printf(
                Locale.ROOT,
                "Device: %s (libtorch threads: %d)%n",
                device,
                JniUtils.getNumThreads());
        Djl.engine().setRandomSeed(settings.options().seed());
        NDManager manager = Djl.engine().newBaseManager(device);
        try {
            Gpt2ForClassification model = buildModel(settings, manager, log);
            return train(settings, manager, model, data, log, interactive, cpuStart);
        } catch (IOException | RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    private static TrainingRun train(
            Settings settings,
            NDManager manager,
            Gpt2ForClassification model,
            Map<String, List<LabelledText>> data,
            PrintStream log,
            boolean interactive,
            long cpuStart)
            throws IOException {
        int maxLength = maxLength(settings, model.transformer().config(), data.get("train"));
        Map<String, List<Example>> examples = tokenize(data, maxLength, settings.pooling(), log);
        FineTuner tuner = fineTuner(settings, model, maxLength, log, interactive);
        Fit fit = fit(tuner, examples, settings.options(), log);
        Map<String, Predictions> predictions = predict(tuner, fit, examples.get("test"));
        TrainingReport report =
                report(predictions, fit, tuner, cpuStart, manager.getDevice())
                        .withBaseline(baseline(data, log));
        report.print(log);
        BundleManifest manifest = manifest(settings, maxLength, model, tuner, data, report);
        log.println(
                "Data domain: "
                        + manifest.domain().wireName()
                        + (manifest.domain() == DataDomain.SMS
                                ? " (a model trained on SMS alone is a demo, not a mail filter)"
                                : ""));
        ModelBundle bundle =
                export(settings.outDir(), model, manifest, report, fit, settings.options(), log);
        return new TrainingRun(
                manager, model, bundle.manifest(), report.toJson(), predictions, data);
    }

    /**
     * The tokens kept per text: the setting, else the context or (book pooling) the longest
     * training text.
     */
    private static int maxLength(Settings settings, GptConfig config, List<LabelledText> train) {
        int maxLength = settings.maxLength();
        if (maxLength > config.contextLength()) {
            throw new IllegalArgumentException(
                    "--max-tokens "
                            + maxLength
                            + " exceeds the model's context of "
                            + config.contextLength()
                            + " tokens");
        }
        if (maxLength > 0) {
            return maxLength;
        }
        return settings.pooling() == Pooling.BOOK
                ? Math.min(
                        config.contextLength(),
                        Example.longest(Example.tokenize(train, config.contextLength())))
                : config.contextLength();
    }

    private static Map<String, List<Example>> tokenize(
            Map<String, List<LabelledText>> data, int maxLength, Pooling pooling, PrintStream log) {
        Map<String, List<Example>> examples = new LinkedHashMap<>();
        data.forEach((split, rows) -> examples.put(split, Example.tokenize(rows, maxLength)));
        List<Example> train = examples.get("train");
        log.printf(
                Locale.ROOT,
                "Data: %d train, %d validation, %d test examples; pooling %s, max length %d tokens"
                        + " (longest training example: %d)%n",
                train.size(),
                examples.get("validation").size(),
                examples.get("test").size(),
                pooling.id(),
                maxLength,
                Example.longest(train));
        return examples;
    }

    /** The tuner, with what trains, the cache and the optimizer settings on the log. */
    private static FineTuner fineTuner(
            Settings settings,
            Gpt2ForClassification model,
            int maxLength,
            PrintStream log,
            boolean interactive) {
        FineTuner tuner =
                new FineTuner(
                        model,
                        settings.trainable(),
                        settings.pooling(),
                        maxLength,
                        settings.cache(),
                        log,
                        interactive);
        long trainableCount =
                tuner.trainable().values().stream().mapToLong(p -> p.getArray().size()).sum();
        log.printf(
                Locale.ROOT,
                "Trainable: %s (%,d of %,d weights)%n",
                settings.trainable(),
                trainableCount,
                model.namedParameters().values().stream()
                        .mapToLong(p -> p.getArray().size())
                        .sum());
        if (tuner.caching()) {
            log.printf(
                    Locale.ROOT,
                    "Frozen-layer cache: embeddings and blocks 0..%d run once per example%n",
                    tuner.cachedBlocks() - 1);
        } else if (settings.cache()) {
            log.println(
                    "Frozen-layer cache: off ("
                            + (tuner.dropout() ? "dropout is on" : "the embeddings train")
                            + ")");
        } else {
            log.println("Frozen-layer cache: off (--no-cache)");
        }
        TrainOptions o = settings.options();
        log.printf(
                Locale.ROOT,
                "AdamW lr %s, weight decay %s; %d epochs, batch %d, seed %d, eval every %d steps"
                        + " on %d batches%n",
                o.learningRate(),
                o.weightDecay(),
                o.epochs(),
                o.batchSize(),
                o.seed(),
                o.evalFreq(),
                o.evalIter());
        return tuner;
    }

    /** The training and validation splits as the tuner holds them, and what fitting them gave. */
    private record Fit(Split train, Split validation, TrainingHistory history, double seconds) {}

    private static Fit fit(
            FineTuner tuner,
            Map<String, List<Example>> examples,
            TrainOptions options,
            PrintStream log) {
        long start = System.nanoTime();
        Split train = tuner.split("train", examples.get("train"));
        Split validation = tuner.split("validation", examples.get("validation"));
        TrainingHistory history = tuner.fit(train, validation, options);
        double seconds = (System.nanoTime() - start) / 1e9;
        log.printf(
                Locale.ROOT,
                "Training completed in %.2f minutes (%.1f s caching).%n",
                seconds / 60,
                tuner.cacheSeconds());
        return new Fit(train, validation, history, seconds);
    }

    /**
     * Scores every split with the trained model; the test split is cached only now, after training.
     */
    private static Map<String, Predictions> predict(FineTuner tuner, Fit fit, List<Example> test) {
        Map<String, Predictions> predictions = new LinkedHashMap<>();
        predictions.put("train", tuner.predict(fit.train()));
        predictions.put("validation", tuner.predict(fit.validation()));
        predictions.put("test", tuner.predict(tuner.split("test", test)));
        return predictions;
    }

    private static TrainingReport report(
            Map<String, Predictions> predictions,
            Fit fit,
            FineTuner tuner,
            long cpuStart,
            Device device) {
        Map<String, BinaryMetrics> scores = new LinkedHashMap<>();
        predictions.forEach(
                (name, p) ->
                        scores.put(
                                name,
                                BinaryMetrics.of(
                                        p.labels(),
                                        p.spamProbabilities(),
                                        p.losses(),
                                        DEFAULT_THRESHOLD)));
        return new TrainingReport(
                scores,
                fit.history(),
                fit.seconds(),
                tuner.cacheSeconds(),
                Duration.ofNanos(cpuNanos() - cpuStart).toMillis() / 1000.0,
                device.toString());
    }

    /** The lexical baseline on the same splits, at the model's threshold rule. */
    private static BaselineReport baseline(Map<String, List<LabelledText>> data, PrintStream log) {
        Map<String, List<LabelledText>> splits = new LinkedHashMap<>();
        splits.put("validation", data.get("validation"));
        splits.put("test", data.get("test"));
        return BaselineReport.fitAndMeasure(
                data.get("train"), splits, DEFAULT_THRESHOLD, log::println);
    }

    private static BundleManifest manifest(
            Settings settings,
            int maxLength,
            Gpt2ForClassification model,
            FineTuner tuner,
            Map<String, List<LabelledText>> data,
            TrainingReport report)
            throws IOException {
        GptConfig config = model.transformer().config();
        return new BundleManifest()
                .id(settings.modelId())
                .pooling(settings.pooling().id())
                .maxLength(maxLength)
                .threshold(DEFAULT_THRESHOLD)
                .baseModel(
                        settings.baseModelId() == null
                                ? "random:" + presetName(config)
                                : settings.baseModelId(),
                        baseSha(settings))
                .datasetSha256(datasetSha(settings.dataDir()))
                .dataDomain(datasetDomain(settings.dataDir()))
                .training(trainingJson(settings, tuner, data))
                .metrics(report.summary());
    }

    /** Writes the bundle, the metrics and the plot into the output folder. */
    private static ModelBundle export(
            Path out,
            Gpt2ForClassification model,
            BundleManifest manifest,
            TrainingReport report,
            Fit fit,
            TrainOptions options,
            PrintStream log)
            throws IOException {
        Files.createDirectories(out);
        ModelBundle bundle = ModelBundle.write(out.resolve(BUNDLE), model, manifest);
        report.write(out.resolve(METRICS));
        int trainSize = fit.train().examples().size();
        long perEpoch = (long) (trainSize / options.batchSize()) * options.batchSize();
        try {
            TrainingPlot.write(out.resolve(PLOT), fit.history(), perEpoch);
        } catch (IOException | RuntimeException | Error e) {
            // Fonts or AWT missing on a minimal JRE: the model and metrics matter more.
            log.println("warning: could not draw " + PLOT + ": " + e);
        }
        log.printf(Locale.ROOT, "Wrote %s, %s and %s to %s%n", BUNDLE + "/", METRICS, PLOT, out);
        return bundle;
    }

    /**
     * @return the trained classifier, still in memory
     */
    public Gpt2ForClassification model() {
        return model;
    }

    /**
     * @return the manifest as written to the bundle
     */
    public BundleManifest manifest() {
        return manifest;
    }

    /**
     * @return the content of {@code metrics.json}
     */
    public Map<String, Object> metrics() {
        return metrics;
    }

    /**
     * Returns the scores the trainer computed at the end of training.
     *
     * @param split {@code train}, {@code validation} or {@code test}
     * @return probabilities and losses, in the order of the split's CSV
     */
    public Predictions predictions(String split) {
        return predictions.get(split);
    }

    /**
     * Returns the rows of a split.
     *
     * @param split {@code train}, {@code validation} or {@code test}
     * @return the texts and labels, in CSV order
     */
    public List<LabelledText> data(String split) {
        return data.get(split);
    }

    /** Frees the model. */
    @Override
    public void close() {
        manager.close();
    }

    private static Gpt2ForClassification buildModel(Settings s, NDManager manager, PrintStream log)
            throws IOException {
        Gpt2Model body;
        if (s.baseModelFolder() == null) {
            GptConfig config = s.randomConfig().withDropRate(s.dropout());
            log.printf(Locale.ROOT, "Model: random %s%n", config);
            body = Gpt2Model.random(config, manager);
        } else {
            Gpt2Model loaded = HfCheckpoint.load(s.baseModelFolder(), manager);
            // The book fine-tunes with drop_rate 0 whatever the checkpoint's config says.
            body = withDropRate(loaded, s.dropout(), manager);
            log.printf(Locale.ROOT, "Model: %s from %s%n", body.config(), s.baseModelFolder());
        }
        ClassificationHead head =
                new ClassificationHead(body.config().embDim(), Gpt2ForClassification.NUM_CLASSES);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, body.config().embDim()));
        return new Gpt2ForClassification(body, head);
    }

    /**
     * The same weights in a model built with another dropout rate (the rate is fixed at
     * construction).
     */
    static Gpt2Model withDropRate(Gpt2Model model, float rate, NDManager manager) {
        if (model.config().dropRate() == rate) {
            return model;
        }
        Gpt2Model copy = new Gpt2Model(model.config().withDropRate(rate));
        Map<String, Parameter> from = model.namedParameters();
        Map<String, Parameter> to = copy.namedParameters();
        to.forEach((name, p) -> p.setInitializer((m, shape, type) -> from.get(name).getArray()));
        copy.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        return copy;
    }

    private static List<LabelledText> readSplit(Path dir, String split) {
        Path file = dir.resolve(split + ".csv");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    file
                            + " is missing: run 'spamgpt-trainer prepare --out "
                            + dir
                            + "' first, or point --data at a folder with train.csv, validation.csv"
                            + " and test.csv");
        }
        List<LabelledText> rows;
        try {
            rows = DatasetCsv.read(file);
        } catch (IOException e) {
            // a malformed file is bad input, not a failure of the machine; the message names the
            // line
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " has no examples");
        }
        if (split.equals("train")
                && rows.stream().mapToInt(LabelledText::label).distinct().count() < 2) {
            throw new IllegalArgumentException(
                    file + " holds only one class; a classifier needs ham and spam");
        }
        return rows;
    }

    private static Map<String, Object> trainingJson(
            Settings s, FineTuner tuner, Map<String, List<LabelledText>> data) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("init", s.baseModelFolder() == null ? "random" : "pretrained");
        t.put("trainable", s.trainable().toString());
        t.put("epochs", s.options().epochs());
        t.put("batch_size", s.options().batchSize());
        t.put("learning_rate", s.options().learningRate());
        t.put("weight_decay", s.options().weightDecay());
        t.put("optimizer", "AdamW (PyTorch semantics, betas 0.9/0.999, eps 1e-8)");
        t.put("seed", s.options().seed());
        t.put("dropout", s.dropout());
        t.put("frozen_layer_cache", tuner.caching());
        t.put("eval_freq", s.options().evalFreq());
        t.put("eval_iter", s.options().evalIter());
        Map<String, Integer> sizes = new LinkedHashMap<>();
        data.forEach((name, rows) -> sizes.put(name, rows.size()));
        t.put("examples", sizes);
        t.put("tokenizer", Gpt2Tokenizer.ID);
        return t;
    }

    private static String presetName(GptConfig config) {
        for (String name : List.of("tiny", "gpt2-small", "gpt2-medium", "gpt2-large", "gpt2-xl")) {
            if (GptConfig.preset(name).withDropRate(config.dropRate()).equals(config)) {
                return name;
            }
        }
        return "custom";
    }

    private static String baseSha(Settings s) throws IOException {
        if (s.baseModelFolder() == null) {
            return null;
        }
        return Sha256.ofFile(s.baseModelFolder().resolve(HfCheckpoint.WEIGHTS));
    }

    /**
     * The data domain {@code prepare} recorded; for a data set from before it did, the domain its
     * one format implies ({@code sms}, or {@code mail} for mail folders).
     */
    static DataDomain datasetDomain(Path dataDir) throws IOException {
        Path manifest = dataDir.resolve("dataset.json");
        if (!Files.isRegularFile(manifest)) {
            return DataDomain.UNKNOWN;
        }
        JsonNode node = JSON.readTree(manifest.toFile());
        if (node == null) {
            return DataDomain.UNKNOWN;
        }
        if (node.hasNonNull("data_domain")) {
            return DataDomain.parseOrUnknown(node.get("data_domain").asText());
        }
        String format = node.path("format").asText("");
        return format.equals("sms")
                ? DataDomain.SMS
                : format.equals("mail") ? DataDomain.MAIL : DataDomain.UNKNOWN;
    }

    /** The source's sha256 recorded by {@code prepare}, else a digest of the three CSV files. */
    static String datasetSha(Path dataDir) throws IOException {
        Path manifest = dataDir.resolve("dataset.json");
        if (Files.isRegularFile(manifest)) {
            JsonNode node = JSON.readTree(manifest.toFile());
            if (node != null && node.hasNonNull("source_sha256")) {
                return node.get("source_sha256").asText();
            }
        }
        StringBuilder listing = new StringBuilder();
        for (String split : List.of("train", "validation", "test")) {
            listing.append(Sha256.ofFile(dataDir.resolve(split + ".csv")))
                    .append("  ")
                    .append(split)
                    .append(".csv\n");
        }
        return Sha256.hex(
                Sha256.newDigest()
                        .digest(
                                listing.toString()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
