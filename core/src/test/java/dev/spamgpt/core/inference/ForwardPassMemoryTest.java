package dev.spamgpt.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.core.util.Djl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 forward passes from two threads must leave the resident memory where it was: each
 * request's arrays live in a scope that is closed, and grad mode is off on the worker threads, so
 * no autograd graph keeps them alive.
 */
class ForwardPassMemoryTest {

    private static final int PASSES = 10_000;
    private static final int THREADS = 2;
    private static final int WARM_UP = 500;
    private static final long MAX_GROWTH_MB = 64;

    @TempDir Path tmp;

    @Test
    void tenThousandForwardPassesShouldNotGrowResidentMemory() throws Exception {
        assumeTrue(
                Files.isReadable(Paths.get("/proc/self/status")),
                "needs Linux /proc to read VmRSS");
        List<String> texts = texts();
        try (NDManager manager = Djl.engine().newBaseManager()) {
            ModelBundle bundle =
                    ModelBundle.read(TinyBundles.randomBundle(tmp.resolve("bundle"), 3));
            Gpt2ForClassification model = bundle.loadModel(manager);
            int weights = manager.getManagedArrays().size();
            try (SpamClassifier classifier =
                    SpamClassifier.of(model, bundle.manifest(), ClassifierOptions.defaults())) {
                runPasses(classifier, texts, WARM_UP);
                long before = settledRssKb();

                long t0 = System.nanoTime();
                runPasses(classifier, texts, PASSES);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long after = settledRssKb();

                long growthMb = (after - before) / 1024;
                System.out.printf(
                        Locale.ROOT,
                        "%d forward passes on %d threads in %.1f s: VmRSS %d MB after"
                                + " warm-up, %d MB after, growth %d MB (bound %d MB)%n",
                        PASSES,
                        THREADS,
                        seconds,
                        before / 1024,
                        after / 1024,
                        growthMb,
                        MAX_GROWTH_MB);
                assertThat(manager.getManagedArrays())
                        .as("arrays left in the model's manager")
                        .hasSize(weights);
                assertThat(growthMb).as("VmRSS growth in MB").isLessThan(MAX_GROWTH_MB);
            }
        }
    }

    /**
     * Every call scores one text, so each call is one forward pass; lengths vary from 1 to ~60
     * tokens.
     */
    private static void runPasses(SpamClassifier classifier, List<String> texts, int passes)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Double>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                results.add(
                        pool.submit(
                                () -> {
                                    double sum = 0;
                                    for (int i = offset; i < passes; i += THREADS) {
                                        sum +=
                                                classifier
                                                        .spamProbabilities(
                                                                Collections.singletonList(
                                                                        texts.get(
                                                                                i % texts.size())))[
                                                        0];
                                    }
                                    return sum;
                                }));
            }
            for (Future<Double> f : results) {
                assertThat(f.get()).isPositive();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> texts() {
        List<String> out = new ArrayList<>();
        String words =
                "free entry in a weekly competition to win cup final tickets text now to claim your"
                        + " prize sorry I will call you later when I get home from work see you"
                        + " tomorrow at";
        String[] w = words.split(" ");
        for (int n = 1; n <= w.length; n += 3) {
            out.add(String.join(" ", java.util.Arrays.copyOf(w, n)));
        }
        return out;
    }

    /** VmRSS after a full GC, so garbage Java objects do not count. */
    private static long settledRssKb() throws IOException, InterruptedException {
        System.gc();
        Thread.sleep(200);
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
