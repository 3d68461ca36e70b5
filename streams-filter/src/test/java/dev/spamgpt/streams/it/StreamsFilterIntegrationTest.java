package dev.spamgpt.streams.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.streams.TopicSetup;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.testing.KafkaClients;
import dev.spamgpt.streams.testing.OutputWatcher;
import dev.spamgpt.streams.testing.SmsCorpus;
import dev.spamgpt.streams.testing.TestModels;
import dev.spamgpt.streams.testing.TestSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter against a real single-node KRaft broker running in this JVM. */
class StreamsFilterIntegrationTest {

    @TempDir static Path dir;
    @AutoClose private static EmbeddedKafkaBroker broker;
    private static Path bundle;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(2 * 1024 * 1024, Map.of());
        bundle = TestModels.tinyBundle(dir, 3);
    }

    @Test
    void shouldRouteEverySmsExactlyOnceAndDeadLetterTheBadRecords() throws Exception {
        RoutingScenario.run(
                broker.bootstrapServers(), bundle, dir.resolve("state-routing"), "route", 1000);
    }

    /**
     * Kills the filter with SIGKILL twice, once with records waiting in its micro-batch buffer and
     * once while records stream through, and restarts it each time. Batches flush only when full
     * (50 records; the wait is ten minutes), so the first kill leaves exactly 20 records that exist
     * only in the buffer store, behind committed input offsets.
     */
    @Test
    void shouldSeeEveryInputExactlyOnceAfterTheFilterIsKilled() throws Exception {
        String bootstrap = broker.bootstrapServers();
        FilterConfig config =
                TestSettings.filter(
                        "crash",
                        ValueFormat.TEXT,
                        FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                        50,
                        Duration.ofMinutes(10));
        TopicSetup.createMissing(KafkaClients.admin(bootstrap), config, 1, 1);
        List<String> texts = SmsCorpus.load(500).stream().map(SmsCorpus.Sms::text).toList();
        List<String> args = new ArrayList<>(FilterProcess.clusterArgs(bootstrap, config));
        args.addAll(
                List.of(
                        "--model",
                        bundle.toString(),
                        "--application-id",
                        "crash-app",
                        "--batch-size",
                        "50",
                        "--batch-wait-ms",
                        "600000",
                        "--state-dir",
                        dir.resolve("state-crash").toString(),
                        "--http-port",
                        "-1",
                        "--inference-threads",
                        "1"));
        // No --instance-id: the default static membership must let a restarted instance take
        // its partitions back at once.
        // Child logs stay in target/ for a post-mortem.
        Path logs = java.nio.file.Files.createDirectories(Path.of("target", "crash-test"));
        Set<String> keys = new HashSet<>();
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(bootstrap, 1024 * 1024);
                OutputWatcher watcher = OutputWatcher.outputsOf(bootstrap, config)) {
            // Given a filter that has flushed two batches and buffered 20 more records
            FilterProcess first = FilterProcess.start(logs.resolve("first.log"), args);
            send(producer, config, texts, 0, 120, keys, 0);
            long start = System.nanoTime();
            watcher.awaitAtLeast(100, Duration.ofSeconds(120));
            log(start, "first instance flushed 100 of 120");
            Thread.sleep(1500);

            // When it is killed and restarted, and more records arrive
            first.kill();
            long killed = System.nanoTime();
            FilterProcess second = FilterProcess.start(logs.resolve("second.log"), args);
            send(producer, config, texts, 120, 200, keys, 0);
            second.awaitLine("(Filtering) ", Duration.ofSeconds(120));
            long streaming0 = System.nanoTime();
            watcher.awaitAtLeast(101, Duration.ofSeconds(120));
            double backIn = (System.nanoTime() - streaming0) / 1e9;
            log(
                    start,
                    String.format(
                            java.util.Locale.ROOT,
                            "second instance scoring %.1f s after the SIGKILL (JVM and model start"
                                    + " included), %.1f s after it started Kafka Streams",
                            (System.nanoTime() - killed) / 1e9,
                            backIn));
            // Without static membership this wait is the dead member's session timeout (46 s
            // measured); with it, the restarted member takes its partitions back at once.
            assertThat(backIn)
                    .as("seconds from starting Kafka Streams to the first committed output")
                    .isLessThan(5.0);

            // Then the 20 buffered records come back from the store and go out with the next ones
            watcher.awaitAtLeast(200, Duration.ofSeconds(120));
            log(start, "second instance caught up to 200");
            assertThat(second.log())
                    .contains(": 20 buffered records restored from the state store");

            // When it is killed again while records stream in
            Future<?> streaming =
                    background.submit(() -> send(producer, config, texts, 200, 500, keys, 10));
            watcher.awaitAtLeast(250, Duration.ofSeconds(120));
            log(start, "killing the second instance at " + watcher.records().size() + " outputs");
            second.kill();
            FilterProcess third = FilterProcess.start(logs.resolve("third.log"), args);
            streaming.get();

            // Then a read-committed consumer sees every input exactly once
            watcher.awaitAtLeast(500, Duration.ofSeconds(180));
            log(start, "third instance caught up to 500");
            watcher.settle(Duration.ofSeconds(3));
            RoutingScenario.assertExactlyOnce(watcher.records(), keys);
            assertThat(third.terminate()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(third.log()).contains("Shutdown requested");
        } finally {
            background.shutdownNow();
        }
    }

    /**
     * The command line with {@code --embedded-broker}, in a child JVM: it prints the broker's
     * address, a client filters a record through it, and SIGTERM stops everything cleanly.
     */
    @Test
    void embeddedBrokerShouldServeTheFilterUntilSigterm() throws Exception {
        Path logs = java.nio.file.Files.createDirectories(Path.of("target", "embedded-test"));
        String text = "WINNER!! Claim your free prize now";
        try (FilterProcess app =
                FilterProcess.start(
                        logs.resolve("embedded.log"),
                        List.of(
                                "--embedded-broker",
                                "--model",
                                bundle.toString(),
                                "--input-topic",
                                "demo-in",
                                "--spam-topic",
                                "demo-spam",
                                "--ham-topic",
                                "demo-ham",
                                "--dlq-topic",
                                "demo-dlq",
                                "--partitions",
                                "2",
                                "--http-host",
                                "127.0.0.1",
                                "--http-port",
                                "0",
                                "--state-dir",
                                dir.resolve("state-embedded").toString()))) {
            String embedded = app.awaitLine("listening on (\\S+)", Duration.ofSeconds(120));
            String http =
                    app.awaitLine(
                            "Metrics and health on (http://[^/]+)/metrics", Duration.ofSeconds(60));
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (status(client, http + "/health/ready") != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(status(client, http + "/health/ready")).isEqualTo(200);

            try (KafkaProducer<byte[], byte[]> producer =
                            KafkaClients.producer(embedded, 1024 * 1024);
                    OutputWatcher watcher =
                            new OutputWatcher(
                                    embedded, List.of("demo-spam", "demo-ham", "demo-dlq"))) {
                producer.send(
                                new ProducerRecord<>(
                                        "demo-in",
                                        "k".getBytes(StandardCharsets.UTF_8),
                                        text.getBytes(StandardCharsets.UTF_8)))
                        .get();
                watcher.awaitAtLeast(1, Duration.ofSeconds(60));
                var out = watcher.records().get(0);
                assertThat(out.topic()).isIn("demo-spam", "demo-ham");
                assertThat(new String(out.value(), StandardCharsets.UTF_8)).isEqualTo(text);
                assertThat(out.headers().lastHeader("spam.model")).isNotNull();
            }
            assertThat(app.terminate()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(app.log()).contains("Shutdown requested");
        }
    }

    private static int status(java.net.http.HttpClient client, String url) {
        try {
            return client.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void log(long start, String what) {
        System.out.printf("crash test +%.1f s: %s%n", (System.nanoTime() - start) / 1e9, what);
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            FilterConfig config,
            List<String> texts,
            int from,
            int to,
            Set<String> keys,
            long pauseEvery10Ms) {
        List<Future<?>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String key = "crash-" + i;
            synchronized (keys) {
                keys.add(key);
            }
            acks.add(
                    producer.send(
                            new ProducerRecord<>(
                                    config.inputTopic(),
                                    key.getBytes(StandardCharsets.UTF_8),
                                    texts.get(i).getBytes(StandardCharsets.UTF_8))));
            if (pauseEvery10Ms > 0 && i % 10 == 9) {
                producer.flush();
                try {
                    Thread.sleep(pauseEvery10Ms * 10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        producer.flush();
        for (Future<?> ack : acks) {
            try {
                ack.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
