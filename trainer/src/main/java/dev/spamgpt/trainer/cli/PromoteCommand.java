package dev.spamgpt.trainer.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.core.util.Djl;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import dev.spamgpt.trainer.eval.ThresholdSelector;
import dev.spamgpt.trainer.feedback.FeedbackGuards;
import dev.spamgpt.trainer.feedback.FeedbackSource;
import dev.spamgpt.trainer.rollout.PromotionGate;
import dev.spamgpt.trainer.rollout.ShadowEvidence;
import dev.spamgpt.trainer.train.ClassifierPass.Predictions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Promotes a candidate bundle into a model repository when it beats the model in service on the
 * same holdout, each model at its own threshold for the same false-positive target.
 */
@Command(
        name = "promote",
        mixinStandardHelpOptions = true,
        header = "Put a candidate bundle in service, if it beats the model in service.",
        description = {
            "Measures the candidate and the repository's current model on the same holdout"
                    + " (--data, plus --feedback reports of the last --feedback-days days), each at"
                    + " the lowest threshold whose false-positive rate on --validation is at most"
                    + " --target-fpr. The candidate is promoted when it catches at least as much"
                    + " spam (plus --min-gain) at no higher false-positive rate; otherwise nothing"
                    + " changes, the reasons are printed and the exit code is 3.",
            "Promotion copies the candidate into REPOSITORY/<id>/<version>/ with the picked"
                    + " threshold, points REPOSITORY/current at it atomically, and appends who"
                    + " promoted what, when, and the figures of both models to"
                    + " REPOSITORY/history.jsonl. 'rollback' undoes it."
        })
final class PromoteCommand implements Callable<Integer> {

    /** The exit code of a refused promotion. */
    static final int EXIT_REFUSED = 3;

    static final double DEFAULT_TARGET_FPR = 0.005;
    private static final String TARGET_KEY = "target_false_positive_rate";
    private static final int BATCH = 8;
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(
            names = "--repository",
            required = true,
            paramLabel = "DIR",
            description = "The model repository; created by the first promotion.")
    Path repository;

    @Option(
            names = "--candidate",
            required = true,
            paramLabel = "BUNDLE",
            description = "The bundle to promote, e.g. work/run/bundle.")
    Path candidate;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "CSV",
            description =
                    "The holdout, e.g. work/data/test.csv: neither model may have trained on it.")
    Path data;

    @Option(
            names = "--validation",
            required = true,
            paramLabel = "CSV",
            description = "Where each model's threshold is picked, e.g. work/data/validation.csv.")
    Path validation;

    @Option(
            names = "--feedback",
            paramLabel = "STORE",
            description =
                    "Add users' recent reports to the holdout: a feedback folder or"
                            + " kafka:TOPIC@HOST:PORT. One example per message (majority, then"
                            + " latest).")
    String feedback;

    @Option(
            names = "--feedback-days",
            paramLabel = "DAYS",
            defaultValue = "30",
            description = "How recent --feedback reports must be (default: ${DEFAULT-VALUE}).")
    int feedbackDays;

    @Option(
            names = "--target-fpr",
            paramLabel = "RATE",
            description =
                    "The false-positive rate both thresholds are picked for (default: the one the"
                            + " current model was promoted with, else "
                            + DEFAULT_TARGET_FPR
                            + ").")
    Double targetFpr;

    @Option(
            names = "--min-gain",
            paramLabel = "FRACTION",
            defaultValue = "0",
            description =
                    "Spam recall the candidate must add, e.g. 0.01 for one point (default:"
                            + " ${DEFAULT-VALUE}).")
    double minGain;

    @Option(names = "--force", description = "Promote even when the gate refuses (recorded).")
    boolean force;

    @Option(
            names = "--flips",
            paramLabel = "N",
            defaultValue = "20",
            description = "How many flipped verdicts to list (default: ${DEFAULT-VALUE}).")
    int flips;

    @Option(
            names = "--by",
            paramLabel = "NAME",
            description = "Who promotes, for the history (default: the user name).")
    String by;

    @Option(
            names = "--from-shadow",
            paramLabel = "URL",
            description =
                    "Also weigh what a running filter's shadow saw of the candidate: the /metrics"
                            + " URL of a streams filter started with --shadow-model CANDIDATE, or"
                            + " of James with the mailet's shadowModel, e.g."
                            + " http://127.0.0.1:8080/metrics.")
    String fromShadow;

    @Option(
            names = "--min-shadow-messages",
            paramLabel = "N",
            defaultValue = "1000",
            description =
                    "With --from-shadow: the fewest live messages the shadow must have compared"
                            + " (default: ${DEFAULT-VALUE}).")
    long minShadowMessages;

    @Option(
            names = "--min-agreement",
            paramLabel = "FRACTION",
            description =
                    "With --from-shadow: refuse when the candidate agreed with the live model on"
                            + " less than this share of live messages, e.g. 0.98 (default: report"
                            + " only).")
    Double minAgreement;

    @Option(names = "--json", description = "Print the comparison as one JSON object.")
    boolean json;

    /** One model measured for the gate. */
    private static final class Measured {
        final float threshold;
        final Predictions holdout;
        final BinaryMetrics metrics;

        Measured(float threshold, Predictions holdout, BinaryMetrics metrics) {
            this.threshold = threshold;
            this.holdout = holdout;
            this.metrics = metrics;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (minGain < 0 || minGain >= 1) {
            throw usage("--min-gain must be in [0, 1), got " + minGain);
        }
        if (targetFpr != null && !(targetFpr >= 0 && targetFpr < 1)) {
            throw usage("--target-fpr must be in [0, 1), got " + targetFpr);
        }
        if (feedbackDays < 1) {
            throw usage("--feedback-days must be at least 1, got " + feedbackDays);
        }
        if (minAgreement != null && !(minAgreement >= 0 && minAgreement <= 1)) {
            throw usage("--min-agreement must be in [0, 1], got " + minAgreement);
        }
        if (fromShadow == null && (minAgreement != null || minShadowMessages != 1000)) {
            throw usage("--min-agreement and --min-shadow-messages need --from-shadow");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelRepository repo = ModelRepository.at(repository);
        ModelBundle cand;
        Optional<Path> currentDir;
        ModelBundle current;
        try {
            cand = ModelBundle.read(candidate);
            currentDir = repo.current();
            current = currentDir.isPresent() ? ModelBundle.read(currentDir.get()) : null;
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        double target = target(current);
        List<LabelledText> validationRows = EvaluateCommand.read(validation);
        List<LabelledText> holdout = new ArrayList<>(EvaluateCommand.read(data));
        int fromData = holdout.size();
        if (feedback != null) {
            holdout.addAll(recentFeedback(err));
        }
        OpenMp.preferPassiveWaiting();
        Measured c;
        Measured now = null;
        try (NDManager manager = Djl.engine().newBaseManager(Djl.device("auto"))) {
            c = measure(cand, validationRows, holdout, target, manager);
            if (current != null) {
                now = measure(current, validationRows, holdout, target, manager);
            }
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        PromotionGate.Decision decision =
                PromotionGate.decide(now == null ? null : now.metrics, c.metrics, minGain);
        ShadowEvidence shadow = null;
        if (fromShadow != null) {
            shadow = shadowEvidence(cand.manifest().modelId());
            decision = PromotionGate.withShadow(decision, shadow, minShadowMessages, minAgreement);
        }
        boolean promote = decision.pass() || force;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("holdout", Map.of("data", fromData, "feedback", holdout.size() - fromData));
        report.put(TARGET_KEY, target);
        report.put("candidate", summary(cand, c));
        if (now != null) {
            report.put("current", summary(current, now));
        }
        List<Map<String, Object>> flipped = flips(holdout, now, c);
        report.put("flips", flipped.size());
        if (shadow != null) {
            report.put("shadow", shadow.toMap());
        }
        report.put("gate", decision.pass() ? "pass" : "refused");
        report.put("reasons", decision.reasons());
        if (!json) {
            printTable(out, holdout.size(), fromData, target, current, now, cand, c);
            printFlips(out, flipped);
            if (shadow != null) {
                Map<String, Object> s = shadow.toMap();
                out.printf(
                        Locale.ROOT,
                        "Shadow at %s: %d live messages compared, agreement %.2f%%, %d ham to spam,"
                                + " %d spam to ham, %d skipped%n",
                        fromShadow,
                        shadow.compared(),
                        shadow.agreement() * 100,
                        s.get("ham_to_spam"),
                        s.get("spam_to_ham"),
                        s.get("skipped"));
            }
        }
        if (promote) {
            String ref;
            try {
                ref = repo.add(candidate);
                ModelBundle.read(repo.folderOf(ref))
                        .updateManifest(
                                m -> {
                                    Map<String, Object> metrics =
                                            new LinkedHashMap<>(
                                                    m.metrics() == null ? Map.of() : m.metrics());
                                    metrics.put(TARGET_KEY, target);
                                    return m.threshold(c.threshold).metrics(metrics);
                                });
            } catch (BundleException e) {
                throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("action", decision.pass() ? "promote" : "force");
            entry.put("by", by != null ? by : System.getProperty("user.name", "unknown"));
            entry.put("candidate", report.get("candidate"));
            entry.put("current", report.get("current"));
            entry.put(TARGET_KEY, target);
            if (shadow != null) {
                entry.put("shadow", shadow.toMap());
            }
            entry.put("reasons", decision.reasons());
            repo.point(ref, entry);
            report.put("promoted", ref);
        }
        if (json) {
            out.println(JSON.writeValueAsString(report));
        } else {
            String why = String.join("; ", decision.reasons());
            if (!promote) {
                out.println("Refused: " + why + ". Nothing changed; --force overrides.");
            } else if (decision.pass()) {
                out.println(
                        "Promoted "
                                + report.get("promoted")
                                + ", which is now current: "
                                + why
                                + ".");
            } else {
                out.println(
                        "Promoted by --force, although the gate refused: "
                                + report.get("promoted")
                                + " is now current ("
                                + why
                                + ").");
            }
        }
        out.flush();
        return promote ? SpamGptCli.EXIT_OK : EXIT_REFUSED;
    }

    private ShadowEvidence shadowEvidence(String model) {
        String page;
        try {
            java.net.http.HttpResponse<String> response =
                    java.net.http.HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(10))
                            .build()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(fromShadow))
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            page = response.body();
        } catch (IllegalArgumentException e) {
            throw usage("--from-shadow " + fromShadow + " is not a URL: " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    "cannot read the shadow's metrics from " + fromShadow + ": " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(SpamGptCli.EXIT_FAILURE, "interrupted", e);
        }
        try {
            return ShadowEvidence.parse(page, model);
        } catch (IllegalArgumentException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, fromShadow + " " + e.getMessage(), e);
        }
    }

    private double target(ModelBundle current) {
        if (targetFpr != null) {
            return targetFpr;
        }
        if (current != null && current.manifest().metrics() != null) {
            Object stored = current.manifest().metrics().get(TARGET_KEY);
            if (stored instanceof Number) {
                return ((Number) stored).doubleValue();
            }
        }
        return DEFAULT_TARGET_FPR;
    }

    private Measured measure(
            ModelBundle bundle,
            List<LabelledText> validationRows,
            List<LabelledText> holdout,
            double target,
            NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            var classifier = bundle.loadModel(scope);
            Predictions v =
                    EvaluateCommand.score(classifier, bundle.manifest(), validationRows, scope);
            float threshold =
                    Math.min(
                            ThresholdSelector.lowestWithFalsePositiveRate(
                                            v.labels(), v.spamProbabilities(), target)
                                    .threshold(),
                            1f);
            Predictions h = EvaluateCommand.score(classifier, bundle.manifest(), holdout, scope);
            BinaryMetrics m = BinaryMetrics.of(h.labels(), h.spamProbabilities(), null, threshold);
            return new Measured(threshold, h, m);
        }
    }

    private List<LabelledText> recentFeedback(PrintWriter err) {
        FeedbackSource.Reports read;
        try {
            read = FeedbackSource.read(feedback, err);
        } catch (IllegalArgumentException e) {
            throw usage("--feedback " + e.getMessage());
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    "cannot read feedback from " + feedback + ": " + e.getMessage(),
                    e);
        }
        Instant since = Instant.now().minus(Duration.ofDays(feedbackDays));
        List<FeedbackReport> recent = new ArrayList<>();
        for (FeedbackReport r : read.reports()) {
            try {
                if (!Instant.parse(r.reportedAt()).isBefore(since)) {
                    recent.add(r);
                }
            } catch (DateTimeParseException e) {
                // A report without a readable time is not "recent".
            }
        }
        // For measuring, every user's word counts: known reports stay, no caps.
        FeedbackGuards.Result guarded =
                FeedbackGuards.apply(
                        recent,
                        new FeedbackGuards.Settings(
                                FeedbackGuards.Known.KEEP, Integer.MAX_VALUE, 1.0, 0, 1));
        guarded.summary().print(feedback, err);
        err.flush();
        return guarded.examples();
    }

    private static Map<String, Object> summary(ModelBundle bundle, Measured m) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", bundle.manifest().modelId());
        s.put("threshold", (double) m.threshold);
        s.put("accuracy", m.metrics.accuracy());
        s.put("false_positive_rate", m.metrics.falsePositiveRate());
        s.put("recall", m.metrics.recall());
        s.put("roc_auc", m.metrics.rocAuc());
        return s;
    }

    /** Every holdout message whose verdict differs between the two models. */
    private static List<Map<String, Object>> flips(
            List<LabelledText> holdout, Measured current, Measured candidate) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (current == null) {
            return out;
        }
        for (int i = 0; i < holdout.size(); i++) {
            float was = current.holdout.spamProbabilities()[i];
            float is = candidate.holdout.spamProbabilities()[i];
            boolean spamBefore = was >= current.threshold;
            boolean spamAfter = is >= candidate.threshold;
            if (spamBefore != spamAfter) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("label", LabelledText.name(holdout.get(i).label()));
                f.put("becomes", spamAfter ? "spam" : "ham");
                f.put("current", (double) was);
                f.put("candidate", (double) is);
                f.put("text", firstWords(holdout.get(i).text()));
                out.add(f);
            }
        }
        return out;
    }

    private static String firstWords(String text) {
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() <= 70 ? flat : flat.substring(0, 67) + "...";
    }

    private static void printTable(
            PrintWriter out,
            int holdout,
            int fromData,
            double target,
            ModelBundle current,
            Measured now,
            ModelBundle cand,
            Measured c) {
        out.printf(
                Locale.ROOT,
                "Holdout: %d messages (%d from the data, %d from feedback); thresholds for a"
                        + " false-positive rate <= %.2f%% on validation%n",
                holdout,
                fromData,
                holdout - fromData,
                target * 100);
        String[][] rows = {
            {"", now == null ? "current: none" : "current", "candidate"},
            {"model", now == null ? "-" : current.manifest().modelId(), cand.manifest().modelId()},
            {"threshold", now == null ? "-" : fmt("%.6f", now.threshold), fmt("%.6f", c.threshold)},
            {"accuracy", pct(now, BinaryMetrics::accuracy), pct(c, BinaryMetrics::accuracy)},
            {
                "FPR",
                pct(now, BinaryMetrics::falsePositiveRate),
                pct(c, BinaryMetrics::falsePositiveRate)
            },
            {"recall", pct(now, BinaryMetrics::recall), pct(c, BinaryMetrics::recall)},
            {
                "ROC AUC",
                now == null ? "-" : fmt("%.4f", now.metrics.rocAuc()),
                fmt("%.4f", c.metrics.rocAuc())
            },
        };
        for (String[] row : rows) {
            out.printf(Locale.ROOT, "  %-12s %-34s %-34s%n", (Object[]) row);
        }
    }

    private static String pct(Measured m, java.util.function.ToDoubleFunction<BinaryMetrics> f) {
        return m == null ? "-" : fmt("%.2f%%", f.applyAsDouble(m.metrics) * 100);
    }

    private static String fmt(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    private void printFlips(PrintWriter out, List<Map<String, Object>> flipped) {
        if (flipped.isEmpty()) {
            return;
        }
        long toSpam = flipped.stream().filter(f -> "spam".equals(f.get("becomes"))).count();
        out.printf(
                Locale.ROOT,
                "Verdicts that flip: %d (%d become spam, %d become ham); label, verdict, current"
                        + " -> candidate score, text:%n",
                flipped.size(),
                toSpam,
                flipped.size() - toSpam);
        for (Map<String, Object> f : flipped.subList(0, Math.min(flips, flipped.size()))) {
            out.printf(
                    Locale.ROOT,
                    "  %-5s %-10s %.4f -> %.4f  %s%n",
                    f.get("label"),
                    ("spam".equals(f.get("becomes")) ? "ham->spam" : "spam->ham"),
                    (double) f.get("current"),
                    (double) f.get("candidate"),
                    f.get("text"));
        }
    }

    private static CliException usage(String message) {
        return new CliException(SpamGptCli.EXIT_USAGE, message);
    }
}
