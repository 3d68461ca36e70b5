package dev.spamgpt.mailet.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the real classifier for each mail's score before James starts, so the tests know where every
 * mail must land. The classifier runs in a child JVM ({@link VerdictTool}): the test JVM must not
 * have core or DJL on its class path, else it would hide class-loading bugs of the extension jar
 * (and libtorch can be loaded by one class loader per JVM only).
 */
final class Verdicts {

    static final String TOOL = "dev.spamgpt.mailet.james.VerdictTool";

    private Verdicts() {}

    /**
     * Writes a random bundle and scores the mails.
     *
     * @return one score per mail, NaN for a mail without text
     */
    static float[] score(Path bundle, long seed, List<String> rawMails, Path work)
            throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xmx1g",
                                "-Dai.djl.pytorch.num_threads=1",
                                "-Dai.djl.offline=true",
                                "-cp",
                                classpath(),
                                TOOL,
                                bundle.toString(),
                                Long.toString(seed)));
        Path out = work.resolve("scores.txt");
        command.add(out.toString());
        for (int i = 0; i < rawMails.size(); i++) {
            Path eml = work.resolve("mail-" + i + ".eml");
            Files.write(eml, rawMails.get(i).getBytes(StandardCharsets.UTF_8));
            command.add(eml.toString());
        }
        Path log = work.resolve("verdict-tool.log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the verdict tool did not finish in 180 s; see " + log);
        }
        assertThat(process.exitValue()).as("verdict tool exit code; log:\n%s", tail(log)).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(rawMails.size());
        float[] scores = new float[lines.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = "skip".equals(lines.get(i)) ? Float.NaN : Float.parseFloat(lines.get(i));
        }
        return scores;
    }

    /**
     * Writes a random bundle at {@code tmp/bundle} and scores no mail.
     *
     * @return the bundle
     */
    static Path randomBundle(Path tmp, long seed) throws Exception {
        Path bundle = tmp.resolve("bundle");
        score(bundle, seed, List.of(), Files.createDirectories(tmp.resolve("verdicts")));
        return bundle;
    }

    /**
     * A threshold with scored mails on both sides: the middle of the widest gap between two
     * neighbouring scores in the middle half, so float noise between runs cannot flip a mail.
     */
    static float splitThreshold(float[] scores) {
        float[] sorted = sortedScores(scores);
        int n = sorted.length;
        assertThat(n).as("scored mails").isGreaterThanOrEqualTo(2);
        return thresholdInGap(sorted, n / 4 - 1, (3 * n) / 4 + 1);
    }

    /**
     * The middle of the widest gap between neighbours {@code sorted[i]} and {@code sorted[i + 1]}
     * for {@code from <= i < to}.
     */
    static float thresholdInGap(float[] sorted, int from, int to) {
        int best = -1;
        float gap = -1;
        for (int i = Math.max(0, from); i < Math.min(sorted.length - 1, to); i++) {
            if (sorted[i + 1] - sorted[i] > gap) {
                gap = sorted[i + 1] - sorted[i];
                best = i;
            }
        }
        assertThat(gap)
                .as("gap between neighbouring scores %s", Arrays.toString(sorted))
                .isGreaterThan(1e-4f);
        return (sorted[best] + sorted[best + 1]) / 2;
    }

    /** The scores of the mails that were scored, ascending. */
    static float[] sortedScores(float[] scores) {
        float[] kept = new float[scores.length];
        int n = 0;
        for (float s : scores) {
            if (!Float.isNaN(s)) {
                kept[n++] = s;
            }
        }
        float[] sorted = Arrays.copyOf(kept, n);
        Arrays.sort(sorted);
        return sorted;
    }

    static String classpath() throws IOException {
        Path file =
                Paths.get(
                        System.getProperty(
                                "spamgpt.verdict.classpath", "target/verdict-classpath.txt"));
        String deps = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        return System.getProperty("spamgpt.test.classes", "target/test-classes")
                + File.pathSeparator
                + deps;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
