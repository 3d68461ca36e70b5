package dev.spamgpt.core.bench;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ModelReloader;
import dev.spamgpt.core.serving.ModelSource;
import dev.spamgpt.core.testing.TinyBundles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Resident memory across 20 hot swaps of a GPT-2 124M-shaped model, each through the repository and
 * the reloader as serving does it (load, verify, warm up, swap, free the old model once its last
 * batch is done), while two threads score all along. Each model holds about 500 MB of weights: if a
 * swap did not free the old one, RSS would grow by that much per swap. Not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * OMP_WAIT_POLICY=PASSIVE java -Xmx2g -Dai.djl.pytorch.num_threads=2 -Dai.djl.offline=true \
 *     -cp core/target/test-classes:core/target/classes:$(cat core/target/test.classpath) \
 *     dev.spamgpt.core.bench.ModelSwapMemoryBench [work-dir] [gpt2-small|tiny] [swaps]
 * </pre>
 *
 * It exits with 1 when RSS after the last swap is more than half a model above RSS after the first
 * one.
 */
public final class ModelSwapMemoryBench {

    private ModelSwapMemoryBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args work folder (bundles are kept there between runs), preset, swaps
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "/tmp/swap-bench"));
        String preset = args.length > 1 ? args[1] : "gpt2-small";
        int swaps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        GptConfig config = GptConfig.preset(preset);
        ModelRepository repo = ModelRepository.at(dir.resolve("repo-" + preset));
        List<String> refs = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            Path bundle = dir.resolve(preset + "-" + seed);
            if (!Files.exists(bundle.resolve("manifest.json"))) {
                TinyBundles.randomBundle(Files.createDirectories(bundle), config, seed, 0.5f);
            }
            refs.add(repo.add(bundle));
        }
        long weightsMb = Files.size(repo.folderOf(refs.get(0)).resolve("model.safetensors")) >> 20;
        repo.point(refs.get(0), Map.of("action", "bench"));
        ModelSource source = ModelSource.of(repo.root());
        ModelSource.Target first = source.resolve();
        LiveModel live = new LiveModel(SpamClassifier.open(first.folder()));
        ModelReloader reloader =
                new ModelReloader(
                        source,
                        first.fingerprint(),
                        live,
                        SpamClassifier::open,
                        new ModelReloader.Listener() {},
                        ModelSwapMemoryBench.class.getClassLoader());
        AtomicBoolean stop = new AtomicBoolean();
        long[] batches = new long[1];
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread caller =
                    new Thread(
                            () -> {
                                List<String> texts =
                                        List.of(
                                                "Your parcel is held: pay the fee today",
                                                "See you at lunch, I'll bring the slides");
                                while (!stop.get()) {
                                    try (LiveModel.Lease lease = live.acquire()) {
                                        lease.scorer().spamProbabilities(texts);
                                    }
                                    synchronized (batches) {
                                        batches[0]++;
                                    }
                                }
                            },
                            "caller-" + t);
            callers.add(caller);
            caller.start();
        }
        long start = System.nanoTime();
        long baseline = rssMb();
        System.out.printf(
                Locale.ROOT,
                "%s, %d MB of weights per model, %d swaps; RSS with one model loaded: %d MB%n",
                preset,
                weightsMb,
                swaps,
                baseline);
        System.out.printf("%5s %10s %9s %12s%n", "swap", "model", "RSS MB", "load+warm ms");
        long afterFirst = 0;
        long last = 0;
        long[] rss = new long[swaps];
        for (int swap = 1; swap <= swaps; swap++) {
            repo.point(refs.get(swap % 2), Map.of("action", "bench"));
            long t0 = System.nanoTime();
            ModelReloader.Outcome outcome = reloader.reload().get(10, TimeUnit.MINUTES);
            if (outcome.result() != ModelReloader.Result.SWAPPED) {
                throw new IllegalStateException("swap " + swap + ": " + outcome.message());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(500); // the callers' batches on the old model end, and it is freed
            last = rssMb();
            rss[swap - 1] = last;
            if (swap == 1) {
                afterFirst = last;
            }
            System.out.printf(
                    Locale.ROOT, "%5d %10s %9d %12d%n", swap, outcome.modelId(), last, ms);
        }
        stop.set(true);
        for (Thread caller : callers) {
            caller.join();
        }
        reloader.close();
        SpamScorer serving = live.current();
        live.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = rss.clone();
        java.util.Arrays.sort(sorted);
        double slope = slope(rss);
        System.out.printf(
                Locale.ROOT,
                "%d swaps in %.1f s while 2 threads scored %d batches; last model %s%n"
                        + "RSS over the swaps: min %d, median %d, max %d MB; after swap %d / after"
                        + " swap 1: %d / %d MB = %.2fx; slope %.1f MB per swap, against %d MB per"
                        + " swap if each swap leaked its old model (%d MB over the run)%n",
                swaps,
                seconds,
                batches[0],
                serving.modelId(),
                sorted[0],
                sorted[sorted.length / 2],
                sorted[sorted.length - 1],
                swaps,
                last,
                afterFirst,
                (double) last / afterFirst,
                slope,
                weightsMb,
                (swaps - 1) * weightsMb);
        if (slope > weightsMb / 4.0) {
            System.out.println("FAIL: RSS grows by more than a quarter of a model per swap");
            System.exit(1);
        }
    }

    private static double slope(long[] y) {
        double n = y.length;
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < y.length; i++) {
            sx += i;
            sy += y[i];
            sxy += i * (double) y[i];
            sxx += (double) i * i;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /** VmRSS after a full GC, so that garbage Java objects do not count. */
    private static long rssMb() throws IOException {
        System.gc();
        for (String line :
                Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
