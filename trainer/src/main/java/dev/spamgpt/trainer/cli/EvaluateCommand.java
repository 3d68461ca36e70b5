package dev.spamgpt.trainer.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.BundleManifest;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.util.Djl;
import dev.spamgpt.trainer.baseline.BaselineReport;
import dev.spamgpt.trainer.baseline.LexicalBaseline;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import dev.spamgpt.trainer.eval.ThresholdSelector;
import dev.spamgpt.trainer.train.ClassifierPass;
import dev.spamgpt.trainer.train.ClassifierPass.Predictions;
import dev.spamgpt.trainer.train.Example;
import dev.spamgpt.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scores a labelled CSV with a bundle, and picks the bundle's threshold for a false-positive
 * target.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        header =
                "Measure a bundle on labelled data; optionally set its threshold for a"
                        + " false-positive target.",
        description = {
            "Prints accuracy, loss, precision, recall, F1, ROC AUC and the confusion matrix of"
                    + " --model on --data (a CSV with label,text as written by 'prepare'), at the"
                    + " bundle's threshold.",
            "--threshold-for-fpr 0.005 --validation CSV picks, on the validation set, the lowest"
                + " threshold that flags at most 0.5%% of ham as spam, and stores it in the"
                + " bundle's manifest: in a mail server, blocking ham costs more than letting spam"
                + " through."
        })
final class EvaluateCommand implements Callable<Integer> {

    private static final int BATCH = 8;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Mixin BundleOption bundleOption;

    @Option(
            names = "--data",
            paramLabel = "CSV",
            description = "Labelled data to measure, e.g. work/data/test.csv.")
    Path data;

    @Option(
            names = "--threshold-for-fpr",
            paramLabel = "RATE",
            description =
                    "Pick and store the lowest threshold whose false-positive rate on --validation"
                            + " is at most RATE, e.g. 0.005.")
    Double targetFpr;

    @Option(
            names = "--validation",
            paramLabel = "CSV",
            description = "Labelled data for --threshold-for-fpr.")
    Path validation;

    @Option(
            names = "--threshold",
            paramLabel = "P",
            description = "Measure at this threshold instead of the bundle's (not stored).")
    Double threshold;

    @Option(
            names = "--baseline-train",
            paramLabel = "CSV",
            description =
                    "Fit the lexical baseline (TF-IDF + logistic regression) on this CSV and print"
                        + " it beside the model. Default: train.csv beside --data, when there is"
                        + " one.")
    Path baselineTrain;

    @Option(names = "--no-baseline", description = "Do not fit or report the lexical baseline.")
    boolean noBaseline;

    @Option(names = "--json", description = "Print the metrics as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (data == null && targetFpr == null) {
            throw usage(
                    "give --data CSV to measure, and/or --threshold-for-fpr RATE --validation CSV");
        }
        if (targetFpr != null && validation == null) {
            throw usage(
                    "--threshold-for-fpr needs --validation CSV (pick the threshold on data not"
                            + " used for the final measurement)");
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw usage("--threshold must be in [0, 1], got " + threshold);
        }
        if (targetFpr != null && !(targetFpr >= 0 && targetFpr < 1)) {
            throw usage("--threshold-for-fpr must be in [0, 1), got " + targetFpr);
        }
        if (noBaseline && baselineTrain != null) {
            throw usage("give --baseline-train CSV or --no-baseline, not both");
        }
        List<LabelledText> validationRows = validation == null ? null : read(validation);
        List<LabelledText> dataRows = data == null ? null : read(data);
        List<LabelledText> baselineRows = dataRows == null ? null : baselineRows();
        PrintWriter out = spec.commandLine().getOut();
        OpenMp.preferPassiveWaiting();
        ModelBundle bundle;
        try {
            bundle = ModelBundle.read(bundleOption.folder());
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", bundle.manifest().modelId());
        try (NDManager manager = Djl.engine().newBaseManager(Djl.device("auto"))) {
            Gpt2ForClassification classifier = bundle.loadModel(manager);
            BundleManifest manifest = bundle.manifest();
            double at = threshold != null ? threshold : manifest.threshold();
            if (targetFpr != null) {
                Predictions p = score(classifier, manifest, validationRows, manager);
                ThresholdSelector.Choice choice =
                        ThresholdSelector.lowestWithFalsePositiveRate(
                                p.labels(), p.spamProbabilities(), targetFpr);
                if (choice.threshold() > 1) {
                    throw new CliException(
                            SpamGptCli.EXIT_FAILURE,
                            "no threshold in [0, 1] keeps the"
                                    + " false-positive rate at or below "
                                    + targetFpr
                                    + " on "
                                    + validation
                                    + ": a ham message scores 1.0; the bundle was not changed");
                }
                double previous = manifest.threshold();
                bundle = bundle.updateManifest(m -> m.threshold(choice.threshold()));
                if (threshold == null) {
                    at = choice.threshold();
                }
                Map<String, Object> picked = new LinkedHashMap<>();
                picked.put("target_false_positive_rate", targetFpr);
                picked.put("threshold", (double) choice.threshold());
                picked.put("previous_threshold", previous);
                picked.put("validation_false_positive_rate", choice.falsePositiveRate());
                picked.put("validation_recall", choice.recall());
                picked.put("validation_ham", choice.ham());
                report.put("threshold_selection", picked);
                if (!json) {
                    out.printf(
                            Locale.ROOT,
                            "Threshold for a false-positive rate <= %.2f%% on %s (%d ham, at most"
                                    + " %d flagged): %.6f (was %s)%n  on validation: false-positive"
                                    + " rate %.2f%%, spam recall %.2f%%%nStored in %s%n",
                            targetFpr * 100,
                            validation,
                            choice.ham(),
                            choice.allowedFalsePositives(),
                            choice.threshold(),
                            previous,
                            choice.falsePositiveRate() * 100,
                            choice.recall() * 100,
                            bundle.dir().resolve(ModelBundle.MANIFEST));
                }
            }
            if (dataRows != null) {
                Predictions p = score(classifier, bundle.manifest(), dataRows, manager);
                BinaryMetrics m =
                        BinaryMetrics.of(p.labels(), p.spamProbabilities(), p.losses(), at);
                report.put("data", data.toString());
                report.put("metrics", m.toMap());
                if (!json) {
                    out.println(m.describe(data.getFileName().toString()));
                }
                if (baselineRows != null) {
                    BaselineReport b = baseline(baselineRows, validationRows, dataRows);
                    report.put("baseline", b.toMap());
                    if (!json) {
                        out.print(b.table(Map.of(dataName(), m)));
                    }
                }
            }
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        if (json) {
            out.println(JSON.writeValueAsString(report));
        }
        out.flush();
        return SpamGptCli.EXIT_OK;
    }

    /**
     * The baseline's training rows: --baseline-train, else train.csv beside --data (unless that is
     * --data itself), else none.
     */
    private List<LabelledText> baselineRows() {
        if (noBaseline) {
            return null;
        }
        if (baselineTrain != null) {
            List<LabelledText> rows = read(baselineTrain);
            if (rows.stream().mapToInt(LabelledText::label).distinct().count() < 2) {
                throw usage(baselineTrain + " holds only one class; the baseline needs both");
            }
            return rows;
        }
        Path beside = data.toAbsolutePath().resolveSibling("train.csv");
        if (!Files.isRegularFile(beside) || beside.equals(data.toAbsolutePath())) {
            return null;
        }
        List<LabelledText> rows = read(beside);
        boolean bothClasses = rows.stream().mapToInt(LabelledText::label).distinct().count() == 2;
        return bothClasses ? rows : null;
    }

    /**
     * Fits and measures the baseline with the model's threshold rule: the same --threshold, or its
     * own pick for --threshold-for-fpr on the same validation set, else the training default.
     */
    private BaselineReport baseline(
            List<LabelledText> train,
            List<LabelledText> validationRows,
            List<LabelledText> dataRows) {
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress =
                line -> {
                    err.println(line);
                    err.flush();
                };
        double at = threshold != null ? threshold : TrainingRun.DEFAULT_THRESHOLD;
        if (threshold == null && targetFpr != null) {
            LexicalBaseline fitted = LexicalBaseline.fit(train, LexicalBaseline.DEFAULT_SEED);
            float t =
                    ThresholdSelector.lowestWithFalsePositiveRate(
                                    LexicalBaseline.labels(validationRows),
                                    fitted.spamProbabilities(validationRows),
                                    targetFpr)
                            .threshold();
            at = Math.min(t, 1f);
        }
        return BaselineReport.fitAndMeasure(train, Map.of(dataName(), dataRows), at, progress);
    }

    private String dataName() {
        return data.getFileName().toString();
    }

    /** Scores rows exactly as training scored its splits: same tokenization, batching and head. */
    static Predictions score(
            Gpt2ForClassification classifier,
            BundleManifest manifest,
            List<LabelledText> rows,
            NDManager manager) {
        Pooling pooling = Pooling.of(manifest.pooling());
        int maxLength = manifest.maxLength();
        ClassifierPass pass = new ClassifierPass(classifier, pooling, maxLength, 0);
        List<Example> examples = Example.tokenize(rows, maxLength);
        return pass.predict(new ClassifierPass.Split("data", examples, null), BATCH, manager);
    }

    static List<LabelledText> read(Path csv) {
        if (!Files.isRegularFile(csv)) {
            throw usage(csv + " does not exist or is not a file");
        }
        try {
            List<LabelledText> rows = DatasetCsv.read(csv);
            if (rows.isEmpty()) {
                throw usage(csv + " has no examples");
            }
            return rows;
        } catch (IOException e) {
            throw usage("cannot read " + csv + ": " + e.getMessage());
        }
    }

    private static CliException usage(String message) {
        return new CliException(SpamGptCli.EXIT_USAGE, message);
    }
}
