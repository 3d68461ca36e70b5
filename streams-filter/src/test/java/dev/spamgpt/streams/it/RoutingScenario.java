package dev.spamgpt.streams.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.streams.FilterService;
import dev.spamgpt.streams.TopicSetup;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import dev.spamgpt.streams.metrics.HealthServer;
import dev.spamgpt.streams.testing.KafkaClients;
import dev.spamgpt.streams.testing.OutputWatcher;
import dev.spamgpt.streams.testing.SmsCorpus;
import dev.spamgpt.streams.testing.TestSettings;
import dev.spamgpt.streams.topology.SpamHeaders;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The end-to-end routing check, run against any broker (in-JVM KRaft or a container): labelled SMS
 * records and bad records through a real producer, the filter with the real classifier under
 * exactly-once, and a read-committed consumer on the three output topics.
 */
final class RoutingScenario {

    /**
     * Scores within this of the threshold may land on either side after batching (float rounding).
     */
    private static final float TIE = 1e-4f;

    private static final int LIMIT = 64 * 1024;

    private RoutingScenario() {}

    /** What one input record must become. */
    private record Expected(
            String text, String smsLabel, DeadLetterReason reason, RecordMetadata written) {}

    static void run(String bootstrap, Path bundle, Path stateDir, String prefix, int smsCount)
            throws Exception {
        FilterConfig config =
                TestSettings.filter(prefix, ValueFormat.TEXT, LIMIT, 16, Duration.ofMillis(50));
        TopicSetup.createMissing(KafkaClients.admin(bootstrap), config, 3, 1);
        List<SmsCorpus.Sms> sms = SmsCorpus.load(smsCount);
        System.out.println("Routing " + sms.size() + " SMS from " + SmsCorpus.source());

        // Reference scores from the same model, all texts in one call; the threshold at their
        // median makes about half of them spam, whatever the random weights say.
        List<String> texts = sms.stream().map(SmsCorpus.Sms::text).toList();
        float[] reference;
        try (SpamClassifier probe = SpamClassifier.open(bundle)) {
            reference = probe.spamProbabilities(texts);
        }
        float[] sorted = reference.clone();
        Arrays.sort(sorted);
        float threshold = sorted[sorted.length / 2];

        try (SpamClassifier classifier =
                        SpamClassifier.open(
                                bundle,
                                ClassifierOptions.defaults()
                                        .withThreshold(threshold)
                                        .withMaxBatchSize(8));
                KafkaProducer<byte[], byte[]> producer =
                        KafkaClients.producer(bootstrap, 1024 * 1024)) {
            PrometheusMeterRegistry registry =
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            FilterService service =
                    new FilterService(
                            config,
                            TestSettings.kafka(prefix + "-app", bootstrap, stateDir),
                            classifier,
                            registry);
            try (HealthServer http = HealthServer.start("127.0.0.1", 0, registry, service::state)) {
                HttpClient client = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + http.port();
                assertThat(get(client, base + "/health/ready").statusCode()).isEqualTo(503);

                // Half the records before the filter starts, half while it runs, bad ones in
                // between.
                Map<String, Future<RecordMetadata>> sent = new HashMap<>();
                Map<String, Expected> expected = new HashMap<>();
                int half = sms.size() / 2;
                send(producer, config, sms.subList(0, half), 0, sent, expected);
                sendBad(producer, config, sent, expected, "early");
                service.start();
                assertThat(service.awaitRunning(Duration.ofSeconds(60)))
                        .as("streams running")
                        .isTrue();
                send(producer, config, sms.subList(half, sms.size()), half, sent, expected);
                sendBad(producer, config, sent, expected, "late");
                producer.flush();
                Map<String, RecordMetadata> written = new HashMap<>();
                for (Map.Entry<String, Future<RecordMetadata>> e : sent.entrySet()) {
                    written.put(e.getKey(), e.getValue().get());
                }

                List<ConsumerRecord<byte[], byte[]>> out;
                try (OutputWatcher watcher = OutputWatcher.outputsOf(bootstrap, config)) {
                    watcher.awaitAtLeast(expected.size(), Duration.ofSeconds(180));
                    watcher.settle(Duration.ofSeconds(2));
                    out = watcher.records();
                }

                assertExactlyOnce(out, expected.keySet());
                int ties = 0;
                int spamCount = 0;
                Map<String, Integer> index = new HashMap<>();
                for (int i = 0; i < texts.size(); i++) {
                    index.put("sms-" + i, i);
                }
                for (ConsumerRecord<byte[], byte[]> record : out) {
                    String key = new String(record.key(), StandardCharsets.UTF_8);
                    Expected want = expected.get(key);
                    if (want.reason() != null) {
                        assertThat(record.topic()).as(key).isEqualTo(config.dlqTopic());
                        assertDeadLetter(record, want, written.get(key), config);
                        continue;
                    }
                    float ref = reference[index.get(key)];
                    float score =
                            Float.parseFloat(SpamHeaders.text(record.headers(), SpamHeaders.SCORE));
                    String label = SpamHeaders.text(record.headers(), SpamHeaders.LABEL);
                    assertThat(score)
                            .as("score of %s", key)
                            .isCloseTo(ref, org.assertj.core.data.Offset.offset(TIE));
                    assertThat(record.topic())
                            .as(key)
                            .isEqualTo(
                                    label.equals("spam") ? config.spamTopic() : config.hamTopic());
                    if (Math.abs(ref - threshold) < TIE) {
                        ties++;
                    } else {
                        assertThat(label)
                                .as("label of %s (reference %s, threshold %s)", key, ref, threshold)
                                .isEqualTo(ref >= threshold ? "spam" : "ham");
                    }
                    spamCount += label.equals("spam") ? 1 : 0;
                    assertThat(new String(record.value(), StandardCharsets.UTF_8))
                            .isEqualTo(want.text());
                    assertThat(SpamHeaders.text(record.headers(), "sms.label"))
                            .isEqualTo(want.smsLabel());
                    assertThat(SpamHeaders.text(record.headers(), SpamHeaders.MODEL))
                            .isEqualTo(classifier.modelId());
                    assertThat(record.timestamp()).isEqualTo(written.get(key).timestamp());
                }
                assertThat(ties).as("scores on the threshold").isLessThanOrEqualTo(smsCount / 100);
                assertThat(spamCount).as("spam routed").isBetween(smsCount / 4, smsCount * 3 / 4);

                assertThat(service.metrics().classifiedCount(true)).isEqualTo(spamCount);
                assertThat(service.metrics().classifiedCount(false))
                        .isEqualTo(smsCount - spamCount);
                assertThat(service.metrics().deadLetterCount(DeadLetterReason.INVALID_UTF8))
                        .isEqualTo(6);
                assertThat(service.metrics().deadLetterCount(DeadLetterReason.EMPTY_TEXT))
                        .isEqualTo(6);
                assertThat(service.metrics().deadLetterCount(DeadLetterReason.TOO_LARGE))
                        .isEqualTo(4);
                assertThat(service.metrics().batchSizes().max())
                        .as("micro-batches formed")
                        .isGreaterThan(1);

                assertThat(get(client, base + "/health/ready").statusCode()).isEqualTo(200);
                assertThat(get(client, base + "/health/live").statusCode()).isEqualTo(200);
                String metrics = get(client, base + "/metrics").body();
                assertThat(metrics)
                        .contains(
                                "spamgpt_records_classified_total{label=\"spam\"} "
                                        + spamCount
                                        + ".0")
                        .contains("spamgpt_records_dead_lettered_total{reason=\"too-large\"} 4.0")
                        .contains("spamgpt_inference_seconds{quantile=\"0.99\"}")
                        .contains("spamgpt_inference_batch_size_records{quantile=\"0.5\"}")
                        .contains("kafka_stream_thread_");

                assertThat(service.close(Duration.ofSeconds(30))).isTrue();
                assertThat(get(client, base + "/health/ready").statusCode()).isEqualTo(503);
            }
        }
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            FilterConfig config,
            List<SmsCorpus.Sms> sms,
            int first,
            Map<String, Future<RecordMetadata>> sent,
            Map<String, Expected> expected) {
        for (int i = 0; i < sms.size(); i++) {
            String key = "sms-" + (first + i);
            SmsCorpus.Sms m = sms.get(i);
            RecordHeaders headers = new RecordHeaders();
            headers.add("sms.label", m.label().getBytes(StandardCharsets.UTF_8));
            sent.put(
                    key,
                    producer.send(
                            new ProducerRecord<>(
                                    config.inputTopic(),
                                    null,
                                    null,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    m.text().getBytes(StandardCharsets.UTF_8),
                                    headers)));
            expected.put(key, new Expected(m.text(), m.label(), null, null));
        }
    }

    /** Three invalid UTF-8, three empty or blank, two over the 64 KiB limit. */
    private static void sendBad(
            KafkaProducer<byte[], byte[]> producer,
            FilterConfig config,
            Map<String, Future<RecordMetadata>> sent,
            Map<String, Expected> expected,
            String tag) {
        List<Object[]> bad = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bad.add(
                    new Object[] {
                        "bad-utf8-" + tag + i,
                        new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x28, (byte) 0xA1},
                        DeadLetterReason.INVALID_UTF8
                    });
            bad.add(
                    new Object[] {
                        "bad-empty-" + tag + i,
                        (i == 0 ? "" : " \t\n").getBytes(StandardCharsets.UTF_8),
                        DeadLetterReason.EMPTY_TEXT
                    });
        }
        for (int i = 0; i < 2; i++) {
            byte[] big = new byte[100 * 1024];
            Arrays.fill(big, (byte) 'x');
            bad.add(new Object[] {"bad-large-" + tag + i, big, DeadLetterReason.TOO_LARGE});
        }
        for (Object[] b : bad) {
            String key = (String) b[0];
            sent.put(
                    key,
                    producer.send(
                            new ProducerRecord<>(
                                    config.inputTopic(),
                                    key.getBytes(StandardCharsets.UTF_8),
                                    (byte[]) b[1])));
            expected.put(
                    key,
                    new Expected(
                            new String((byte[]) b[1], StandardCharsets.ISO_8859_1),
                            null,
                            (DeadLetterReason) b[2],
                            null));
        }
    }

    static void assertExactlyOnce(
            List<ConsumerRecord<byte[], byte[]>> out, java.util.Set<String> keys) {
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : out) {
            seen.merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        List<String> duplicated =
                seen.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey)
                        .toList();
        List<String> lost = keys.stream().filter(k -> !seen.containsKey(k)).sorted().toList();
        List<String> unknown = seen.keySet().stream().filter(k -> !keys.contains(k)).toList();
        assertThat(duplicated).as("duplicated keys").isEmpty();
        assertThat(lost).as("lost keys").isEmpty();
        assertThat(unknown).as("unexpected keys").isEmpty();
        assertThat(out).hasSize(keys.size());
    }

    private static void assertDeadLetter(
            ConsumerRecord<byte[], byte[]> record,
            Expected want,
            RecordMetadata source,
            FilterConfig config) {
        assertThat(SpamHeaders.text(record.headers(), SpamHeaders.DLQ_REASON))
                .isEqualTo(want.reason().code());
        assertThat(SpamHeaders.text(record.headers(), SpamHeaders.DLQ_SOURCE_TOPIC))
                .isEqualTo(config.inputTopic());
        assertThat(SpamHeaders.text(record.headers(), SpamHeaders.DLQ_SOURCE_PARTITION))
                .isEqualTo(Integer.toString(source.partition()));
        assertThat(SpamHeaders.text(record.headers(), SpamHeaders.DLQ_SOURCE_OFFSET))
                .isEqualTo(Long.toString(source.offset()));
        if (want.reason() == DeadLetterReason.TOO_LARGE) {
            assertThat(record.value()).isNull();
            assertThat(SpamHeaders.text(record.headers(), SpamHeaders.DLQ_ORIGINAL_SIZE))
                    .isEqualTo("102400");
        } else {
            assertThat(new String(record.value(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(want.text());
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
