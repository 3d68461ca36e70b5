package dev.spamgpt.trainer.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackRead;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.feedback.FeedbackStore;
import dev.spamgpt.core.feedback.FeedbackStores;
import dev.spamgpt.core.feedback.KafkaFeedbackStore;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * core's {@link KafkaFeedbackStore} on a real single-node KRaft broker. It is tested here, not in
 * core, because Kafka's broker test kit needs Java 17 and core is built for Java 11.
 */
class KafkaFeedbackStoreTest {

    private static final String EVENT_NUMBER = "(?s).*\"id\":\"event-(\\d+)\".*";

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start(1 << 20, Map.of());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static String newTopic(int partitions) throws Exception {
        String topic = "feedback-" + UUID.randomUUID();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    private static FeedbackReport report(int n, int rawBytes) {
        byte[] raw = new byte[rawBytes];
        java.util.Arrays.fill(raw, (byte) 'x');
        return FeedbackReport.builder()
                .id("event-" + n)
                .label(n % 2 == 0 ? FeedbackLabel.SPAM : FeedbackLabel.HAM)
                .user("user@example.org")
                .reportedAt("2026-12-02T10:00:00Z")
                .fromMailbox("INBOX")
                .toMailbox("Spam")
                .deliveryVerdict("ham")
                .deliveryScore(0.1)
                .text("text of message " + n)
                .raw(raw)
                .build();
    }

    private static FeedbackStore open(String topic) throws IOException {
        return FeedbackStores.open(
                "kafka:" + topic + "@" + broker.bootstrapServers(),
                Map.of(),
                Duration.ofSeconds(20));
    }

    @Test
    void reportsRoundTripKeyedByDigestAndARetryIsReadOnce() throws Exception {
        String topic = newTopic(3);
        try (FeedbackStore store = open(topic)) {
            for (int n = 0; n < 6; n++) {
                store.append(report(n, 100));
            }
            store.append(report(2, 100)); // the event bus retried event 2
            List<FeedbackReport> out = new ArrayList<>();
            FeedbackRead read = store.read(out::add, true);
            assertThat(out)
                    .extracting(FeedbackReport::id)
                    .containsExactlyInAnyOrder(
                            "event-0", "event-1", "event-2", "event-3", "event-4", "event-5");
            assertThat(read.duplicates()).isEqualTo(1);
            assertThat(out).allSatisfy(r -> assertThat(r.raw()).hasSize(100));
            FeedbackReport back =
                    out.stream().filter(r -> r.id().equals("event-4")).findFirst().orElseThrow();
            assertThat(back.digest()).isEqualTo(FeedbackReport.digestOf("text of message 4"));
            assertThat(back.label()).isEqualTo(FeedbackLabel.SPAM);
            List<FeedbackReport> plain = new ArrayList<>();
            store.read(plain::add, false);
            assertThat(plain).allSatisfy(r -> assertThat(r.raw()).isEmpty());
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-keys");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < 7 && System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).hasSize(7);
            for (ConsumerRecord<String, String> r : records) {
                String n = r.value().replaceAll(EVENT_NUMBER, "$1");
                assertThat(r.key()).isEqualTo(FeedbackReport.digestOf("text of message " + n));
            }
        }
    }

    @Test
    void aRawMessageTooBigForOneRecordIsLeftOutButTheReportGoes() throws Exception {
        String topic = newTopic(1);
        try (KafkaFeedbackStore store =
                new KafkaFeedbackStore(
                        topic,
                        broker.bootstrapServers(),
                        Map.of(),
                        Duration.ofSeconds(20),
                        10_000)) {
            store.append(report(1, 50_000));
            store.append(report(2, 1_000));
            List<FeedbackReport> out = new ArrayList<>();
            store.read(out::add, true);
            assertThat(out).extracting(r -> r.raw().length).containsExactly(0, 1_000);
        }
    }

    @Test
    void anEmptyTopicReadsAtOnceAndGarbageIsSkippedAndCounted() throws Exception {
        String topic = newTopic(2);
        try (FeedbackStore store = open(topic)) {
            List<FeedbackReport> out = new ArrayList<>();
            assertThat(store.read(out::add, false).reports()).isZero();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "k", "not json")).get();
                producer.send(new ProducerRecord<>(topic, "k", "{\"id\":\"no label\"}")).get();
            }
            store.append(report(7, 10));
            FeedbackRead read = store.read(out::add, false);
            assertThat(out).extracting(FeedbackReport::id).containsExactly("event-7");
            assertThat(read.skipped()).isEqualTo(2);
            assertThat(read.warnings()).hasSize(2);
        }
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutInsteadOfHanging() throws Exception {
        try (FeedbackStore store =
                FeedbackStores.open(
                        "kafka:feedback@127.0.0.1:1", Map.of(), Duration.ofSeconds(3))) {
            assertThatThrownBy(() -> store.append(report(1, 10)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("feedback");
            assertThatThrownBy(() -> store.read(r -> {}, false)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void malformedSpecsAreRefusedWithTheirForm() {
        for (String bad :
                new String[] {"kafka:", "kafka:topic", "kafka:@host:1", "kafka:t@", " "}) {
            assertThatThrownBy(() -> FeedbackStores.open(bad, Map.of(), Duration.ofSeconds(1)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
