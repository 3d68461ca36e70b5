package dev.spamgpt.streams.bench;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ShadowMetrics;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.streams.FilterService;
import dev.spamgpt.streams.TopicSetup;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.InferenceFlags;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.testing.ForwardingScorer;
import dev.spamgpt.streams.testing.KafkaClients;
import dev.spamgpt.streams.testing.OutputWatcher;
import dev.spamgpt.streams.testing.SmsCorpus;
import dev.spamgpt.streams.testing.TestSettings;
import dev.spamgpt.streams.topology.Models;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput of the filter through a real in-JVM KRaft broker, per-record inference
 * against micro-batched inference in the same run, for the tiny model and a GPT-2 124M-shaped model
 * with random weights (same cost as a trained one). Not part of the test run; see {@code
 * streams-filter/README.md} for the command.
 *
 * <p>For each model and mode: a fresh filter (exactly_once_v2, one stream thread) is started and
 * warmed up on a few records; then the clock starts, {@code --records} SMS texts are produced and
 * the clock stops when a read-committed consumer has seen all of them in the output topics.
 */
@Command(
        name = "streams-bench",
        mixinStandardHelpOptions = true,
        description = "Records/s end to end and inference latency, per-record vs micro-batched.")
public final class StreamsBench implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "both",
            description = "tiny, 124m or both. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(
            names = "--records",
            description = "Records per run; default 2000 for tiny, 300 for 124m.")
    Integer records;

    @Option(
            names = "--batch-size",
            defaultValue = "64",
            description = "Micro-batch size. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-wait-ms",
            defaultValue = "100",
            description = "Micro-batch wait. Default: ${DEFAULT-VALUE}.")
    int batchWaitMs;

    @Option(
            names = "--shadow",
            description =
                    "Measure shadow scoring instead: micro-batched runs without and with a shadow"
                            + " model of the same shape, in the order off, on, on, off.")
    boolean shadow;

    @Option(
            names = "--shadow-share",
            defaultValue = "0.25",
            description = "The shadow's share of the live time. Default: ${DEFAULT-VALUE}.")
    double shadowShare;

    @Mixin InferenceFlags inference = new InferenceFlags();

    @Option(
            names = "--work-dir",
            description = "Where bundles and state go. Default: a temporary directory.")
    Path workDir;

    private record Run(
            String model,
            String mode,
            int batch,
            int records,
            double seconds,
            double p50Ms,
            double p99Ms,
            double meanBatch,
            String note) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command, with 120 tokens per text by default, as in a trained bundle. */
    static CommandLine commandLine() {
        return new CommandLine(new StreamsBench())
                .setDefaultValueProvider(BenchDefaults.MAX_TOKENS_120);
    }

    @Override
    public Integer call() throws Exception {
        Path dir =
                workDir != null
                        ? Files.createDirectories(workDir)
                        : Files.createTempDirectory("streams-bench");
        System.out.printf(
                "streams-bench: %d cores, ai.djl.pytorch.num_threads=%s, texts from %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                SmsCorpus.source());
        ClassifierOptions options = inference.classifierOptions();
        inference.applyEngineThreads();
        System.out.printf(
                "micro-batches of %d records or %d ms, forward passes of %d texts or %d tokens,"
                        + " %d tokens per text%n",
                batchSize,
                batchWaitMs,
                options.maxBatchSize(),
                options.tokenBudget(),
                options.maxTokens());
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(2 * 1024 * 1024, Map.of())) {
            if (model.equals("tiny") || model.equals("both")) {
                Path bundle =
                        TinyBundles.randomBundle(Files.createDirectories(dir.resolve("tiny")), 1L);
                runs.addAll(
                        compare(
                                broker,
                                bundle,
                                options,
                                "tiny",
                                records != null ? records : 2000,
                                dir));
            }
            if (model.equals("124m") || model.equals("both")) {
                Path bundleDir = dir.resolve("gpt2-124m");
                if (!Files.exists(bundleDir.resolve("manifest.json"))) {
                    long t = System.nanoTime();
                    TinyBundles.randomBundle(
                            Files.createDirectories(bundleDir),
                            GptConfig.preset("gpt2-small"),
                            1L,
                            0.5f);
                    System.out.printf(
                            "wrote a random 124M bundle in %.1f s%n",
                            (System.nanoTime() - t) / 1e9);
                }
                runs.addAll(
                        compare(
                                broker,
                                bundleDir,
                                options,
                                "124M",
                                records != null ? records : 300,
                                dir));
            }
        }
        System.out.println();
        System.out.printf(
                "%-5s %-14s %5s %7s %8s %10s %10s %10s %10s%n",
                "model",
                "mode",
                "batch",
                "records",
                "seconds",
                "records/s",
                "infer p50",
                "infer p99",
                "mean call");
        for (Run r : runs) {
            System.out.printf(
                    Locale.ROOT,
                    "%-5s %-14s %5d %7d %8.2f %10.1f %8.1fms %8.1fms %10.1f%n",
                    r.model(),
                    r.mode(),
                    r.batch(),
                    r.records(),
                    r.seconds(),
                    r.recordsPerSecond(),
                    r.p50Ms(),
                    r.p99Ms(),
                    r.meanBatch());
        }
        for (Run r : runs) {
            if (!r.note().isEmpty()) {
                System.out.printf("%s %s: %s%n", r.model(), r.mode(), r.note());
            }
        }
        if (shadow) {
            for (int i = 0; i + 3 < runs.size(); i += 4) {
                double off1 = runs.get(i).recordsPerSecond();
                double on1 = runs.get(i + 1).recordsPerSecond();
                double on2 = runs.get(i + 2).recordsPerSecond();
                double off2 = runs.get(i + 3).recordsPerSecond();
                System.out.printf(
                        Locale.ROOT,
                        "%s: shadow on / off = %.2fx records/s (on %.1f and %.1f, off %.1f and"
                                + " %.1f; off vs off %.2fx)%n",
                        runs.get(i).model(),
                        (on1 + on2) / (off1 + off2),
                        on1,
                        on2,
                        off1,
                        off2,
                        off2 / off1);
            }
            return 0;
        }
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            System.out.printf(
                    Locale.ROOT,
                    "%s: micro-batched / per-record = %.2fx records/s%n",
                    runs.get(i).model(),
                    runs.get(i + 1).recordsPerSecond() / runs.get(i).recordsPerSecond());
        }
        return 0;
    }

    private List<Run> compare(
            EmbeddedKafkaBroker broker,
            Path bundle,
            ClassifierOptions options,
            String name,
            int count,
            Path dir)
            throws Exception {
        List<String> texts =
                SmsCorpus.load(count + 2 * batchSize).stream().map(SmsCorpus.Sms::text).toList();
        List<Run> out = new ArrayList<>();
        try (SpamClassifier classifier = SpamClassifier.open(bundle, options)) {
            classifier.spamProbabilities(
                    texts.subList(0, Math.min(texts.size(), 2 * options.maxBatchSize())));
            if (shadow) {
                Path other = dir.resolve(bundle.getFileName() + "-shadow");
                if (!Files.exists(other.resolve("manifest.json"))) {
                    TinyBundles.randomBundle(
                            Files.createDirectories(other),
                            dev.spamgpt.core.bundle.ModelBundle.read(bundle).config(),
                            2L,
                            0.5f);
                }
                try (SpamClassifier candidate = SpamClassifier.open(other, options)) {
                    candidate.spamProbabilities(texts.subList(0, 2));
                    String[] modes = {"off-1", "shadow-1", "shadow-2", "off-2"};
                    for (String mode : modes) {
                        out.add(
                                run(
                                        broker,
                                        classifier,
                                        mode.startsWith("shadow") ? candidate : null,
                                        name,
                                        mode,
                                        batchSize,
                                        texts,
                                        count,
                                        dir));
                    }
                }
                return out;
            }
            out.add(run(broker, classifier, null, name, "per-record", 1, texts, count, dir));
            out.add(
                    run(
                            broker,
                            classifier,
                            null,
                            name,
                            "micro-batched",
                            batchSize,
                            texts,
                            count,
                            dir));
        }
        return out;
    }

    private Run run(
            EmbeddedKafkaBroker broker,
            SpamClassifier classifier,
            SpamClassifier shadowModel,
            String name,
            String mode,
            int batch,
            List<String> texts,
            int count,
            Path dir)
            throws Exception {
        String prefix = "bench-" + name.toLowerCase(Locale.ROOT) + "-" + mode;
        String bootstrap = broker.bootstrapServers();
        FilterConfig config =
                TestSettings.filter(
                        prefix,
                        ValueFormat.TEXT,
                        FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                        batch,
                        Duration.ofMillis(batchWaitMs));
        TopicSetup.createMissing(KafkaClients.admin(bootstrap), config, 1, 1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics shadowMetrics = null;
        ShadowScorer side = null;
        if (shadowModel != null) {
            shadowMetrics = new ShadowMetrics(registry, Tags.empty(), shadowModel.modelId());
            // The bench owns the shadow classifier: the scorer must not close it between runs.
            side =
                    new ShadowScorer(
                            new ForwardingScorer(shadowModel),
                            shadowShare,
                            2,
                            shadowMetrics,
                            getClass().getClassLoader());
        }
        FilterService service =
                new FilterService(
                        config,
                        TestSettings.kafka(prefix, bootstrap, dir.resolve("state-" + prefix)),
                        new Models(new LiveModel(classifier), side, false),
                        registry);
        int warmup = 2 * batchSize;
        try (KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(bootstrap, 2 * 1024 * 1024);
                OutputWatcher watcher = OutputWatcher.outputsOf(bootstrap, config)) {
            service.start();
            if (!service.awaitRunning(Duration.ofSeconds(120))) {
                throw new IllegalStateException("filter did not start: " + service.state());
            }
            produce(producer, config, texts.subList(0, warmup));
            watcher.awaitAtLeast(warmup, Duration.ofMinutes(10));
            System.out.printf("%s %s: warmed up, timing %d records%n", name, mode, count);
            long start = System.nanoTime();
            produce(producer, config, texts.subList(warmup, warmup + count));
            watcher.awaitAtLeast(warmup + count, Duration.ofMinutes(60));
            double seconds = (System.nanoTime() - start) / 1e9;
            HistogramSnapshot snapshot = service.metrics().inferenceTimer().takeSnapshot();
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile v : snapshot.percentileValues()) {
                if (v.percentile() == 0.5) {
                    p50 = v.value(TimeUnit.MILLISECONDS);
                } else if (v.percentile() == 0.99) {
                    p99 = v.value(TimeUnit.MILLISECONDS);
                }
            }
            double meanBatch = service.metrics().batchSizes().mean();
            System.out.printf(Locale.ROOT, "%s %s: %.1f records/s%n", name, mode, count / seconds);
            String note =
                    shadowMetrics == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "shadow scored %d texts and skipped %d (share %.2f)",
                                    shadowMetrics.compared(),
                                    shadowMetrics.skipped(),
                                    shadowShare);
            return new Run(name, mode, batch, count, seconds, p50, p99, meanBatch, note);
        } finally {
            service.close(Duration.ofSeconds(60));
            if (side != null) {
                side.close();
            }
        }
    }

    private static void produce(
            KafkaProducer<byte[], byte[]> producer, FilterConfig config, List<String> texts) {
        int i = 0;
        for (String text : texts) {
            producer.send(
                    new ProducerRecord<>(
                            config.inputTopic(),
                            ("k" + i++).getBytes(StandardCharsets.UTF_8),
                            text.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }
}
