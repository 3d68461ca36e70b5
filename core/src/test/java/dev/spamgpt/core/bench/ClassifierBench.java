package dev.spamgpt.core.bench;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.core.testing.TinyBundles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Texts per second of {@link SpamClassifier} on SMS texts: one text per forward pass (the
 * baseline of the ratios) against passes of several texts, with and without a token budget, in
 * the same run. Not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.pytorch.num_threads=2 -Dai.djl.offline=true \
 *     -cp core/target/test-classes:core/target/classes:$(cat core/target/test.classpath) \
 *     dev.spamgpt.core.bench.ClassifierBench [tiny|gpt2-small] [texts] [rounds]
 * </pre>
 */
public final class ClassifierBench {

    private ClassifierBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args model preset (default gpt2-small), number of texts (64), rounds (3)
     * @throws IOException if the SMS file or the bundle cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        String preset = args.length > 0 ? args[0] : "gpt2-small";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> texts = smsTexts(count);
        Path dir = Files.createTempDirectory("spamgpt-bench");
        GptConfig config = "tiny".equals(preset) ? TinyBundles.TINY : GptConfig.preset(preset);
        TinyBundles.randomBundle(dir.resolve("bundle"), config, 1, 0.5f);
        System.out.printf(Locale.ROOT, "%s, %d SMS texts, median of %d rounds, %s threads%n",
                config, texts.size(), rounds, System.getProperty("ai.djl.pytorch.num_threads", "default"));
        double baseline = 0;
        int[][] runs = {{1, Integer.MAX_VALUE}, {8, Integer.MAX_VALUE}, {32, Integer.MAX_VALUE},
            {16, 256}, {16, 512}, {32, 512}, {32, 1024}};
        for (int[] run : runs) {
            int batch = run[0];
            try (SpamClassifier c = SpamClassifier.open(dir.resolve("bundle"), ClassifierOptions.defaults()
                    .withMaxBatchSize(batch).withTokenBudget(run[1]).withMaxTokens(120))) {
                c.spamProbabilities(texts.subList(0, Math.min(texts.size(), 2 * batch))); // warm-up
                double[] seconds = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    c.spamProbabilities(texts);
                    seconds[r] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(seconds);
                double perSecond = texts.size() / seconds[rounds / 2];
                if (batch == 1) {
                    baseline = perSecond;
                }
                System.out.printf(Locale.ROOT, "batch %2d, budget %10s: %8.1f texts/s  %7.1f ms/text  %.2fx batch 1%n",
                        batch, run[1] == Integer.MAX_VALUE ? "none" : run[1] + " tok", perSecond,
                        1000 / perSecond, perSecond / baseline);
            }
        }
    }

    /** A seeded sample of the SMS collection, or generated texts of SMS length without it. */
    private static List<String> smsTexts(int count) throws IOException {
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        List<String> all = new ArrayList<>();
        if (sms != null) {
            for (String line : Files.readAllLines(sms, StandardCharsets.UTF_8)) {
                all.add(line.substring(line.indexOf('\t') + 1));
            }
        } else {
            Random r = new Random(1);
            for (int i = 0; i < count; i++) {
                StringBuilder b = new StringBuilder();
                for (int w = 0, n = 5 + r.nextInt(40); w < n; w++) {
                    b.append("word").append(r.nextInt(500)).append(' ');
                }
                all.add(b.toString());
            }
        }
        Collections.shuffle(all, new Random(123));
        return all.subList(0, Math.min(count, all.size()));
    }
}
