package dev.spamgpt.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.explain.Explanation;
import dev.spamgpt.core.explain.OcclusionExplainer;
import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The book's {@code classify_review}: label and spam probability of each message. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        header = "Label messages as spam or ham with a bundle.",
        description = {
            "Scores each TEXT argument, or each line of standard input when none is given, and"
                + " prints one line per message: the label, the spam probability and the message.",
            "With --json, one JSON object per line: text, label, spam_probability, threshold,"
                    + " model."
        })
final class ClassifyCommand implements Callable<Integer> {

    /** Lines scored together; stdin is read this many lines at a time, so memory stays bounded. */
    static final int CHUNK = 64;

    /**
     * Characters kept of one stdin line; the scorer reads only the first max_length tokens anyway.
     */
    static final int MAX_LINE_CHARS = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most spans measured per message: each costs one more text to score. */
    private static final int MAX_SPANS = 64;

    @Spec CommandSpec spec;

    @Mixin BundleOption bundleOption;

    @Option(
            names = "--threshold",
            paramLabel = "P",
            description = "Decide at this spam probability instead of the bundle's threshold.")
    Float threshold;

    @Option(names = "--json", description = "One JSON object per message.")
    boolean json;

    @Option(
            names = "--explain",
            description =
                    "Also list the spans of each message that raised its spam score most and those"
                            + " that lowered it most, with their contributions in log-odds (the"
                            + " model scores the message once per span, with that span deleted).")
    boolean explain;

    @Option(
            names = "--explain-top",
            paramLabel = "N",
            defaultValue = "3",
            description = "Spans listed each way with --explain. Default: ${DEFAULT-VALUE}.")
    int explainTop;

    @Parameters(
            paramLabel = "TEXT",
            arity = "0..*",
            description = "Messages to classify; none: one message per line of standard input.")
    List<String> texts;

    /** Where stdin lines come from; tests replace it. */
    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "--threshold must be in [0, 1], got " + threshold);
        }
        if (explainTop < 1) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "--explain-top must be at least 1, got " + explainTop);
        }
        OpenMp.preferPassiveWaiting();
        PrintWriter out = spec.commandLine().getOut();
        try (SpamClassifier classifier =
                SpamClassifier.open(
                        bundleOption.folder(),
                        ClassifierOptions.defaults().withThreshold(threshold))) {
            if (texts != null && !texts.isEmpty()) {
                print(classifier, texts, out);
            } else {
                BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        stdin,
                                        StandardCharsets.UTF_8
                                                .newDecoder()
                                                .onMalformedInput(CodingErrorAction.REPLACE)
                                                .onUnmappableCharacter(CodingErrorAction.REPLACE)));
                List<String> chunk = new ArrayList<>(CHUNK);
                for (String line; (line = readLine(in)) != null; ) {
                    chunk.add(line);
                    if (chunk.size() == CHUNK) {
                        print(classifier, chunk, out);
                        chunk.clear();
                    }
                }
                print(classifier, chunk, out);
            }
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        out.flush();
        return SpamGptCli.EXIT_OK;
    }

    private void print(SpamClassifier classifier, List<String> batch, PrintWriter out)
            throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        float[] p = classifier.spamProbabilities(batch);
        for (int i = 0; i < p.length; i++) {
            String label = classifier.manifest().labels().get(classifier.isSpam(p[i]) ? "1" : "0");
            Explanation why =
                    explain
                            ? new OcclusionExplainer(classifier, MAX_SPANS, classifier.maxTokens())
                                    .explain(batch.get(i), explainTop)
                            : null;
            if (json) {
                ObjectNode node = JSON.createObjectNode();
                node.put("text", batch.get(i));
                node.put("label", label);
                node.put("spam_probability", p[i]);
                node.put("threshold", classifier.threshold());
                node.put("model", classifier.modelId());
                if (why != null) {
                    ObjectNode e = node.putObject("explanation");
                    e.put("log_odds", why.logOdds());
                    spans(e.putArray("raising"), why.raising());
                    spans(e.putArray("lowering"), why.lowering());
                }
                out.println(JSON.writeValueAsString(node));
            } else {
                out.printf(Locale.ROOT, "%s\t%.4f\t%s%n", label, p[i], oneLine(batch.get(i)));
                if (why != null) {
                    for (Explanation.Span s : why.raising()) {
                        out.printf(
                                Locale.ROOT, "  %+.3f  %s%n", s.contribution(), oneLine(s.text()));
                    }
                    for (Explanation.Span s : why.lowering()) {
                        out.printf(
                                Locale.ROOT, "  %+.3f  %s%n", s.contribution(), oneLine(s.text()));
                    }
                }
            }
        }
        out.flush();
    }

    /**
     * A line of at most {@link #MAX_LINE_CHARS} characters (the rest of a longer line is skipped).
     */
    static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c = in.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (line.length() < MAX_LINE_CHARS) {
                line.append((char) c);
            }
            c = in.read();
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    private static void spans(
            com.fasterxml.jackson.databind.node.ArrayNode array, List<Explanation.Span> spans) {
        for (Explanation.Span s : spans) {
            ObjectNode n = array.addObject();
            n.put("text", s.text());
            n.put("start", s.start());
            n.put("end", s.end());
            n.put("contribution", s.contribution());
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
