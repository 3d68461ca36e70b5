package dev.spamgpt.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.testing.CraftedMail;
import dev.spamgpt.streams.FilterService;
import dev.spamgpt.streams.TopicSetup;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import dev.spamgpt.streams.testing.KafkaClients;
import dev.spamgpt.streams.testing.OutputWatcher;
import dev.spamgpt.streams.testing.TestModels;
import dev.spamgpt.streams.testing.TestSettings;
import dev.spamgpt.streams.topology.SpamHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records against the filter on a real single-node KRaft broker in this JVM: whatever one
 * record does, it comes out once (classified or dead-lettered), no stream thread dies and the
 * filter keeps running.
 */
class PoisonPillIntegrationTest {

    /**
     * Hang guard only: the fold bomb alone may take tens of seconds to extract on a busy machine.
     */
    private static final Duration HANG_GUARD = Duration.ofMinutes(5);

    private static final int BROKER_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    @TempDir static Path dir;
    @AutoClose private static EmbeddedKafkaBroker broker;
    private static Path bundle;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(BROKER_MAX_MESSAGE_BYTES, Map.of());
        bundle = TestModels.tinyBundle(dir, 5);
    }

    @Test
    void shouldClassifyBothHamsAroundTheMimeBombsAndKeepRunning() throws Exception {
        // The fold bomb is a little over the default 1 MiB limit and would be dead-lettered
        // unread (too-large); a 2 MiB limit makes the filter parse it.
        FilterConfig config =
                TestSettings.filter(
                        "bomb", ValueFormat.EMAIL, 2 * 1024 * 1024, 64, Duration.ofMillis(50));
        TopicSetup.createMissing(KafkaClients.admin(broker.bootstrapServers()), config, 1, 1);
        Map<String, byte[]> mails = new LinkedHashMap<>();
        mails.put("ham-1", CraftedMail.bytes(CraftedMail.ham("lunch tomorrow")));
        mails.put("qp-bomb", CraftedMail.bytes(CraftedMail.qpBomb()));
        mails.put("fold-bomb", CraftedMail.bytes(CraftedMail.foldBomb()));
        mails.put("ham-2", CraftedMail.bytes(CraftedMail.ham("dinner tonight")));
        assertThat(mails.get("fold-bomb").length)
                .isGreaterThan(FilterConfig.DEFAULT_MAX_RECORD_BYTES);

        runFilter(
                config,
                "bomb",
                (producer, service, watcher) -> {
                    send(producer, config, mails);
                    service.start();

                    awaitOutputs(watcher, service, mails.size());
                    // Still serving after the bombs.
                    Map<String, byte[]> after =
                            Map.of("ham-3", CraftedMail.bytes(CraftedMail.ham("after the bombs")));
                    send(producer, config, after);
                    awaitOutputs(watcher, service, mails.size() + 1);
                    watcher.settle(Duration.ofSeconds(2));

                    List<ConsumerRecord<byte[], byte[]>> out = watcher.records();
                    RoutingScenario.assertExactlyOnce(
                            out, Set.of("ham-1", "qp-bomb", "fold-bomb", "ham-2", "ham-3"));
                    Set<String> codes =
                            Arrays.stream(DeadLetterReason.values())
                                    .map(DeadLetterReason::code)
                                    .collect(Collectors.toSet());
                    for (ConsumerRecord<byte[], byte[]> r : out) {
                        String key = new String(r.key(), StandardCharsets.UTF_8);
                        String reason = SpamHeaders.text(r.headers(), SpamHeaders.DLQ_REASON);
                        System.out.printf(
                                "%s -> %s %s%n",
                                key,
                                r.topic(),
                                reason == null
                                        ? ""
                                        : reason
                                                + ": "
                                                + SpamHeaders.text(
                                                        r.headers(), SpamHeaders.DLQ_ERROR));
                        if (key.startsWith("ham-")) {
                            assertThat(r.topic())
                                    .as(key)
                                    .isIn(config.spamTopic(), config.hamTopic());
                            assertThat(SpamHeaders.text(r.headers(), SpamHeaders.LABEL))
                                    .as(key)
                                    .isNotNull();
                        } else if (r.topic().equals(config.dlqTopic())) {
                            assertThat(reason).as(key).isIn(codes);
                            assertThat(SpamHeaders.text(r.headers(), SpamHeaders.DLQ_ERROR))
                                    .as(key)
                                    .isNotBlank();
                        } else {
                            assertThat(SpamHeaders.text(r.headers(), SpamHeaders.LABEL))
                                    .as(key)
                                    .isNotNull();
                        }
                    }
                });
    }

    /**
     * A record whose headers are bigger than the producer's {@code max.request.size}: it must be
     * dead-lettered as too large, and the dead letter must leave those headers out, or it cannot be
     * written either.
     */
    @Test
    void shouldDeadLetterARecordWithHugeHeadersAndThenClassifyTheNext() throws Exception {
        FilterConfig config =
                TestSettings.filter(
                        "headers", ValueFormat.TEXT, 64 * 1024, 1, Duration.ofMillis(50));
        try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
            // The input accepts more than the filter's outputs do, as a shared input topic may.
            admin.createTopics(
                            List.of(
                                    new NewTopic(config.inputTopic(), 1, (short) 1)
                                            .configs(
                                                    Map.of(
                                                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                                            Integer.toString(
                                                                    BROKER_MAX_MESSAGE_BYTES)))))
                    .all()
                    .get();
        }
        TopicSetup.createMissing(KafkaClients.admin(broker.bootstrapServers()), config, 1, 1);
        byte[] blob = new byte[3 * 1024 * 1024 / 2];
        Arrays.fill(blob, (byte) 'h');

        runFilter(
                config,
                "headers",
                (producer, service, watcher) -> {
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8));
                    headers.add("blob", blob);
                    producer.send(
                                    new ProducerRecord<>(
                                            config.inputTopic(),
                                            null,
                                            null,
                                            "huge-headers".getBytes(StandardCharsets.UTF_8),
                                            "hello".getBytes(StandardCharsets.UTF_8),
                                            headers))
                            .get();
                    send(
                            producer,
                            config,
                            Map.of("next", "see you at noon".getBytes(StandardCharsets.UTF_8)));
                    service.start();

                    awaitOutputs(watcher, service, 2);
                    watcher.settle(Duration.ofSeconds(2));

                    List<ConsumerRecord<byte[], byte[]>> out = watcher.records();
                    RoutingScenario.assertExactlyOnce(out, Set.of("huge-headers", "next"));
                    ConsumerRecord<byte[], byte[]> dead =
                            out.stream()
                                    .filter(
                                            r ->
                                                    new String(r.key(), StandardCharsets.UTF_8)
                                                            .equals("huge-headers"))
                                    .findFirst()
                                    .orElseThrow();
                    assertThat(dead.topic()).isEqualTo(config.dlqTopic());
                    assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON))
                            .isEqualTo(DeadLetterReason.TOO_LARGE.code());
                    assertThat(dead.headers().lastHeader("blob")).isNull();
                    assertThat(SpamHeaders.text(dead.headers(), "trace-id")).isEqualTo("abc-123");
                });
    }

    /** What a test does to the filter: send, start it, wait for and check its outputs. */
    private interface Scenario {
        void run(
                KafkaProducer<byte[], byte[]> producer,
                FilterService service,
                OutputWatcher watcher)
                throws Exception;
    }

    /**
     * Runs a scenario against a filter with the tiny model, named {@code name} for its application
     * id and state folder, then checks that no stream thread died and the filter still runs.
     */
    private static void runFilter(FilterConfig config, String name, Scenario scenario)
            throws Exception {
        try (SpamClassifier classifier = SpamClassifier.open(bundle);
                KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(
                                broker.bootstrapServers(), BROKER_MAX_MESSAGE_BYTES)) {
            FilterService service =
                    new FilterService(
                            config,
                            TestSettings.kafka(
                                    name + "-app",
                                    broker.bootstrapServers(),
                                    dir.resolve("state-" + name)),
                            classifier,
                            new SimpleMeterRegistry());
            try (service;
                    OutputWatcher watcher =
                            OutputWatcher.outputsOf(broker.bootstrapServers(), config)) {
                scenario.run(producer, service, watcher);
                assertThat(threadsReplaced(service.metrics().registry()))
                        .as("stream threads that died")
                        .isZero();
                assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            }
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            FilterConfig config,
            Map<String, byte[]> records)
            throws Exception {
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            producer.send(
                            new ProducerRecord<>(
                                    config.inputTopic(),
                                    e.getKey().getBytes(StandardCharsets.UTF_8),
                                    e.getValue()))
                    .get();
        }
    }

    /** Waits for the outputs, failing at once if the filter stops. */
    private static void awaitOutputs(OutputWatcher watcher, FilterService service, int n)
            throws Exception {
        long deadline = System.nanoTime() + HANG_GUARD.toNanos();
        while (true) {
            try {
                watcher.awaitAtLeast(n, Duration.ofSeconds(1));
                return;
            } catch (TimeoutException e) {
                KafkaStreams.State state = service.state();
                if (state == KafkaStreams.State.ERROR
                        || state == KafkaStreams.State.PENDING_ERROR
                        || state == KafkaStreams.State.NOT_RUNNING) {
                    fail(
                            "the filter stopped ("
                                    + state
                                    + ") after "
                                    + watcher.records().size()
                                    + " of "
                                    + n
                                    + " outputs, "
                                    + threadsReplaced(service.metrics().registry())
                                    + " stream threads died");
                }
                if (System.nanoTime() > deadline) {
                    fail(
                            e.getMessage()
                                    + "; "
                                    + threadsReplaced(service.metrics().registry())
                                    + " stream threads died");
                }
            }
        }
    }

    private static double threadsReplaced(MeterRegistry registry) {
        return registry.find("spamgpt.stream.threads.replaced").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
