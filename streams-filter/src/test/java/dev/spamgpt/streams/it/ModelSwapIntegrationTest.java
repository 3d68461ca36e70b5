package dev.spamgpt.streams.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.streams.TopicSetup;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.testing.KafkaClients;
import dev.spamgpt.streams.testing.OutputWatcher;
import dev.spamgpt.streams.testing.SmsCorpus;
import dev.spamgpt.streams.testing.TestModels;
import dev.spamgpt.streams.testing.TestSettings;
import dev.spamgpt.streams.topology.SpamHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter's command line, following a model repository, while 2,000 records stream through a
 * real broker under exactly-once: a corrupt candidate is refused and a good one is swapped in
 * mid-stream.
 */
class ModelSwapIntegrationTest {

    private static final int RECORDS = 2000;
    private static final String OLD = "tiny-random:seed3";
    private static final String NEW = "tiny-random:seed4";

    @TempDir static Path dir;
    @AutoClose private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(2 * 1024 * 1024, Map.of());
    }

    @Test
    void aModelSwappedMidStreamChangesTheHeaderOnceAndEveryRecordComesOutOnce() throws Exception {
        String bootstrap = broker.bootstrapServers();
        ModelRepository repo = ModelRepository.at(dir.resolve("repo"));
        String old = repo.add(TestModels.tinyBundle(dir, 3));
        String next = repo.add(TestModels.tinyBundle(dir, 4));
        String corrupt = repo.add(TestModels.tinyBundle(dir, 5));
        Path weights = repo.folderOf(corrupt).resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(weights, bytes);
        repo.point(old, Map.of("action", "promote", "by", "test"));

        FilterConfig config =
                TestSettings.filter(
                        "swap",
                        ValueFormat.TEXT,
                        FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                        16,
                        Duration.ofMillis(50));
        TopicSetup.createMissing(KafkaClients.admin(bootstrap), config, 2, 1);
        List<String> texts = SmsCorpus.load(RECORDS).stream().map(SmsCorpus.Sms::text).toList();
        List<String> args = new ArrayList<>(FilterProcess.clusterArgs(bootstrap, config));
        args.addAll(
                List.of(
                        "--model",
                        repo.root().toString(),
                        "--reload-interval",
                        "1",
                        "--application-id",
                        "swap-app",
                        "--batch-size",
                        "16",
                        "--batch-wait-ms",
                        "50",
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "--http-host",
                        "127.0.0.1",
                        "--http-port",
                        "0",
                        "--inference-threads",
                        "1"));
        Path logs = Files.createDirectories(Path.of("target", "swap-test"));
        Set<String> keys = new HashSet<>();
        CountDownLatch swapped = new CountDownLatch(1);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        HttpClient http = HttpClient.newHttpClient();
        try (FilterProcess app = FilterProcess.start(logs.resolve("filter.log"), args);
                KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(bootstrap, 1024 * 1024);
                OutputWatcher watcher = OutputWatcher.outputsOf(bootstrap, config)) {
            String base =
                    "http://127.0.0.1:"
                            + app.awaitLine(
                                    "Metrics and health on http://127\\.0\\.0\\.1:(\\d+)/",
                                    Duration.ofSeconds(60));
            // Records flow all the time; only if the swap were not done near the end would the
            // sender wait, so that the swap always lands mid-stream.
            Future<?> streaming =
                    sender.submit(
                            () -> {
                                for (int i = 0; i < RECORDS; i++) {
                                    if (i == RECORDS - 200) {
                                        await(swapped);
                                    }
                                    String key = String.format("swap-%05d", i);
                                    synchronized (keys) {
                                        keys.add(key);
                                    }
                                    producer.send(
                                            new ProducerRecord<>(
                                                    config.inputTopic(),
                                                    key.getBytes(StandardCharsets.UTF_8),
                                                    texts.get(i).getBytes(StandardCharsets.UTF_8)));
                                    if (i % 20 == 19) {
                                        producer.flush();
                                        sleep(40);
                                    }
                                }
                                producer.flush();
                                return null;
                            });

            // A corrupt candidate: refused, counted, and the old model goes on serving.
            watcher.awaitAtLeast(400, Duration.ofSeconds(120));
            repo.point(corrupt, Map.of("action", "promote", "by", "test"));
            assertThat(post(http, base + "/model/reload").statusCode()).isEqualTo(202);
            awaitBody(http, base + "/model", "\"result\":\"failed\"");
            assertThat(get(http, base + "/model").body()).contains("\"model\":\"" + OLD + "\"");
            assertThat(app.log()).contains("not put in service").contains("corrupt");

            // A good one, picked up by the poll alone while records stream through.
            watcher.awaitAtLeast(800, Duration.ofSeconds(120));
            repo.point(next, Map.of("action", "promote", "by", "test"));
            awaitBody(http, base + "/model", "\"model\":\"" + NEW + "\"");
            swapped.countDown();
            streaming.get(120, TimeUnit.SECONDS);

            watcher.awaitAtLeast(RECORDS, Duration.ofSeconds(180));
            watcher.settle(Duration.ofSeconds(3));
            List<ConsumerRecord<byte[], byte[]>> out = watcher.records();
            RoutingScenario.assertExactlyOnce(out, keys);
            assertThat(out).noneMatch(r -> r.topic().equals(config.dlqTopic()));
            assertOneCleanSwapPerPartition(out, texts, repo.folderOf(old), repo.folderOf(next));

            String metrics = get(http, base + "/metrics").body();
            // The poll and the POST may both have tried the corrupt bundle.
            assertThat(metrics)
                    .contains("spamgpt_model_swaps_total 1.0")
                    .containsPattern("spamgpt_model_reload_failures_total [12]\\.0")
                    .contains("spamgpt_model_info{model_id=\"tiny-random\",version=\"seed4\"} 1")
                    .doesNotContain("version=\"seed3\"");
            assertThat(app.terminate()).as("exit code after SIGTERM").isIn(0, 143);
        } finally {
            swapped.countDown();
            sender.shutdownNow();
        }
    }

    /**
     * In each partition, in input order, the records carry the old model's id and then the new
     * one's, each with the score that model gives that text alone: no record was scored by a model
     * in between, and the header changes exactly once where the swap fell.
     */
    private static void assertOneCleanSwapPerPartition(
            List<ConsumerRecord<byte[], byte[]>> out, List<String> texts, Path old, Path next) {
        Map<Integer, TreeMap<Integer, ConsumerRecord<byte[], byte[]>>> byPartition =
                new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            int index = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(5));
            int partition = Integer.parseInt(partitionOf(r));
            byPartition.computeIfAbsent(partition, p -> new TreeMap<>()).put(index, r);
        }
        int changes = 0;
        try (SpamClassifier a = SpamClassifier.open(old);
                SpamClassifier b = SpamClassifier.open(next)) {
            for (Map.Entry<Integer, TreeMap<Integer, ConsumerRecord<byte[], byte[]>>> p :
                    byPartition.entrySet()) {
                List<String> models = new ArrayList<>();
                for (Map.Entry<Integer, ConsumerRecord<byte[], byte[]>> e :
                        p.getValue().entrySet()) {
                    String model = SpamHeaders.text(e.getValue().headers(), SpamHeaders.MODEL);
                    float score =
                            Float.parseFloat(
                                    SpamHeaders.text(e.getValue().headers(), SpamHeaders.SCORE));
                    SpamClassifier scorer = model.equals(OLD) ? a : b;
                    assertThat(model).isIn(OLD, NEW);
                    assertThat(score)
                            .as("record %d scored by %s", e.getKey(), model)
                            .isCloseTo(
                                    scorer.spamProbability(texts.get(e.getKey())),
                                    org.assertj.core.data.Offset.offset(2e-4f));
                    if (!models.isEmpty() && !models.get(models.size() - 1).equals(model)) {
                        changes++;
                        assertThat(model).as("partition %d goes back", p.getKey()).isEqualTo(NEW);
                    }
                    models.add(model);
                }
                System.out.printf(
                        "swap test: partition %d: %d records by %s, then %d by %s%n",
                        p.getKey(),
                        models.stream().filter(OLD::equals).count(),
                        OLD,
                        models.stream().filter(NEW::equals).count(),
                        NEW);
            }
        }
        assertThat(changes).as("header changes, one per partition at most").isBetween(1, 2);
    }

    private static String partitionOf(ConsumerRecord<byte[], byte[]> r) {
        // The output keeps the input's key, and the output topics have the input's partitioning,
        // so the output partition is the input partition.
        return Integer.toString(r.partition());
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitBody(HttpClient http, String url, String part) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(http, url).body();
            if (body.contains(part)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(url + " never contained " + part + "; last: " + body);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
