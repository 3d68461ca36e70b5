package dev.spamgpt.core.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.core.testing.TinyBundles;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReloaderTest {

    @TempDir Path dir;

    /** A real classifier that records whether it was closed. */
    private static final class Tracked implements SpamScorer {
        final SpamClassifier model;
        final AtomicBoolean closed = new AtomicBoolean();

        Tracked(Path bundle) {
            model = SpamClassifier.open(bundle);
        }

        @Override
        public float[] spamProbabilities(List<String> texts) {
            return model.spamProbabilities(texts);
        }

        @Override
        public float threshold() {
            return model.threshold();
        }

        @Override
        public int maxTokens() {
            return model.maxTokens();
        }

        @Override
        public String modelId() {
            return model.modelId();
        }

        @Override
        public void close() {
            closed.set(true);
            model.close();
        }
    }

    private final ConcurrentLinkedQueue<Tracked> opened = new ConcurrentLinkedQueue<>();

    private SpamScorer open(Path bundle) {
        Tracked t = new Tracked(bundle);
        opened.add(t);
        return t;
    }

    private ModelRepository repository(int... seeds) throws Exception {
        ModelRepository repo = ModelRepository.at(dir.resolve("repo"));
        for (int seed : seeds) {
            repo.add(TinyBundles.randomBundle(dir.resolve("b" + seed), seed));
        }
        return repo;
    }

    private static List<String> infoSeries(SimpleMeterRegistry registry) {
        return registry.getMeters().stream()
                .filter(m -> m.getId().getName().equals("spamgpt.model.info"))
                .map(Meter::getId)
                .map(id -> id.getTag("model_id") + ":" + id.getTag("version"))
                .collect(Collectors.toList());
    }

    @Test
    void aLeaseKeepsItsModelOpenAcrossASwapAndTheOldModelIsClosedAfter() {
        LiveModel live = new LiveModel(open(TinyBundles.randomBundle(dir.resolve("a"), 1)));
        Tracked first = opened.peek();
        LiveModel.Lease lease = live.acquire();
        LiveModel.Lease handedOff = lease.share();

        live.swap(open(TinyBundles.randomBundle(dir.resolve("b"), 2)));

        assertThat(live.current().modelId()).isEqualTo("tiny-random:seed2");
        // The batch that started before the swap finishes on its own model.
        assertThat(lease.scorer().spamProbabilities(List.of("hello"))).hasSize(1);
        lease.close();
        lease.close(); // twice is once
        assertThat(first.closed).isFalse();
        handedOff.close();
        assertThat(first.closed).isTrue();

        live.close();
        assertThat(opened).allMatch(t -> t.closed.get());
    }

    @Test
    void aRepositoryPromotionIsLoadedVerifiedAndSwappedAndACorruptOneLeavesTheOldModel()
            throws Exception {
        ModelRepository repo = repository(1, 2, 3);
        repo.point("tiny-random/seed1", Map.of("action", "promote"));
        ModelSource source = ModelSource.of(repo.root());
        assertThat(source.isRepository()).isTrue();
        ModelSource.Target first = source.resolve();
        LiveModel live = new LiveModel(open(first.folder()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelMetrics metrics =
                new ModelMetrics(
                        registry, io.micrometer.core.instrument.Tags.empty(), live.current());
        try (ModelReloader reloader =
                new ModelReloader(
                        source,
                        first.fingerprint(),
                        live,
                        this::open,
                        metrics,
                        getClass().getClassLoader())) {
            assertThat(reloader.reload().get(30, TimeUnit.SECONDS).result())
                    .isEqualTo(ModelReloader.Result.UNCHANGED);

            repo.point("tiny-random/seed2", Map.of("action", "promote"));
            ModelReloader.Outcome swapped = reloader.reload().get(30, TimeUnit.SECONDS);
            assertThat(swapped.result()).isEqualTo(ModelReloader.Result.SWAPPED);
            assertThat(swapped.modelId()).isEqualTo("tiny-random:seed2");
            assertThat(live.current().modelId()).isEqualTo("tiny-random:seed2");
            assertThat(metrics.swaps()).isEqualTo(1);
            assertThat(infoSeries(registry)).containsExactly("tiny-random:seed2");
            assertThat(opened.peek().closed).as("the old model is freed").isTrue();

            // Bytes flipped on disk after the copy verified: the checksum catches it.
            Path weights = repo.folderOf("tiny-random/seed3").resolve("model.safetensors");
            byte[] bytes = Files.readAllBytes(weights);
            bytes[bytes.length - 1] ^= 0x55;
            Files.write(weights, bytes);
            repo.point("tiny-random/seed3", Map.of("action", "promote"));
            ModelReloader.Outcome corrupt = reloader.reload().get(30, TimeUnit.SECONDS);
            assertThat(corrupt.result()).isEqualTo(ModelReloader.Result.FAILED);
            assertThat(corrupt.message()).contains("corrupt").contains("serving tiny-random:seed2");
            assertThat(live.current().modelId()).isEqualTo("tiny-random:seed2");
            assertThat(live.current().spamProbabilities(List.of("still serving"))).hasSize(1);
            assertThat(metrics.failures()).isEqualTo(1);
            assertThat(infoSeries(registry)).containsExactly("tiny-random:seed2");

            // Polling does not retry, or count again, a bundle that has not changed.
            reloader.start(Duration.ofMillis(50));
            Thread.sleep(300);
            assertThat(metrics.failures()).isEqualTo(1);

            repo.point("tiny-random/seed1", Map.of("action", "rollback"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!live.current().modelId().equals("tiny-random:seed1")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(live.current().modelId()).isEqualTo("tiny-random:seed1");
            assertThat(metrics.swaps()).isEqualTo(2);
        }
        live.close();
        assertThat(opened).allMatch(t -> t.closed.get());
    }

    @Test
    void aPlainBundleFolderReplacedInPlaceIsSwapped() throws Exception {
        Path bundle = TinyBundles.randomBundle(dir.resolve("served"), 1);
        ModelSource source = ModelSource.of(bundle);
        assertThat(source.isRepository()).isFalse();
        LiveModel live = new LiveModel(open(bundle));
        try (ModelReloader reloader =
                new ModelReloader(
                        source,
                        source.resolve().fingerprint(),
                        live,
                        this::open,
                        new ModelReloader.Listener() {},
                        getClass().getClassLoader())) {
            Path next = TinyBundles.randomBundle(dir.resolve("next"), 7);
            try (Stream<Path> files = Files.list(next)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(
                            f,
                            bundle.resolve(f.getFileName().toString()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            assertThat(reloader.reload().get(30, TimeUnit.SECONDS).modelId())
                    .isEqualTo("tiny-random:seed7");
        }
        live.close();
    }

    @Test
    void callersScoringWhileTheModelIsSwappedTwentyTimesNeverMeetAClosedModel() throws Exception {
        List<Path> bundles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bundles.add(TinyBundles.randomBundle(dir.resolve("s" + i), 10 + i));
        }
        LiveModel live = new LiveModel(open(bundles.get(0)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger batches = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread caller =
                    new Thread(
                            () -> {
                                while (!stop.get()) {
                                    try (LiveModel.Lease lease = live.acquire()) {
                                        float[] p =
                                                lease.scorer()
                                                        .spamProbabilities(
                                                                List.of("win a prize", "lunch?"));
                                        assertThat(p).hasSize(2);
                                        batches.incrementAndGet();
                                    } catch (Throwable e) {
                                        failure.compareAndSet(null, e);
                                    }
                                }
                            });
            callers.add(caller);
            caller.start();
        }
        for (int swap = 1; swap <= 20; swap++) {
            live.swap(open(bundles.get(swap % bundles.size())));
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread caller : callers) {
            caller.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(batches.get()).isPositive();
        // Every model but the one serving is closed, with no caller left inside it.
        assertThat(opened.stream().filter(t -> !t.closed.get())).hasSize(1);
        live.close();
        assertThat(opened).allMatch(t -> t.closed.get());
    }
}
