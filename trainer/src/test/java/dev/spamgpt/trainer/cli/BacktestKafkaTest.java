package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code backtest} on a range of a topic of a real single-node KRaft broker. */
class BacktestKafkaTest extends WithTrainedBundle {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE_TIME = 1_780_000_000_000L;

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

    /**
     * A one-partition topic of ten records, one a second from {@link #BASE_TIME}: even ones carry a
     * label header, record 5 has an empty value.
     */
    private static String topicOfTen(boolean jsonValues) throws Exception {
        String topic = "mail-" + UUID.randomUUID();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                String text = i == 5 ? "" : "Subject: record " + i + "\nbody " + i;
                String value =
                        jsonValues
                                ? JSON.writeValueAsString(Map.of("body", Map.of("text", text)))
                                : text;
                ProducerRecord<String, String> record =
                        new ProducerRecord<>(topic, 0, BASE_TIME + i * 1000L, "k" + i, value);
                if (i % 2 == 0) {
                    record.headers()
                            .add(
                                    "label",
                                    (i % 4 == 0 ? "spam" : "ham").getBytes(StandardCharsets.UTF_8));
                }
                producer.send(record).get();
            }
        }
        return topic;
    }

    private Path bundleAt(String name, double threshold) throws Exception {
        Path copy = trained.copy(dir.resolve(name));
        ModelBundle.read(copy).updateManifest(m -> m.threshold(threshold));
        return copy;
    }

    @Test
    void offsetRangeWithLabelHeaders() throws Exception {
        String topic = topicOfTen(false);
        Path report = dir.resolve("r.json");

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        bundleAt("c", 0.0).toString(),
                        "--baseline",
                        bundleAt("b", 1.0).toString(),
                        "--data",
                        "kafka:" + topic + "@" + broker.bootstrapServers(),
                        "--from",
                        "2",
                        "--to",
                        "8",
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.at("/source/kind").asText()).isEqualTo("kafka");
        assertThat(r.at("/source/records_in_range").asLong()).isEqualTo(6);
        assertThat(r.at("/source/unusable_records").asLong()).isEqualTo(1);
        assertThat(r.at("/source/messages").asLong()).isEqualTo(5);
        List<String> ids = new ArrayList<>();
        r.at("/flips/list").forEach(f -> ids.add(f.get("id").asText()));
        assertThat(ids)
                .containsExactly(
                        topic + "-0@2",
                        topic + "-0@3",
                        topic + "-0@4",
                        topic + "-0@6",
                        topic + "-0@7");
        Map<String, Long> groups = new java.util.HashMap<>();
        r.at("/groups")
                .forEach(g -> groups.put(g.get("name").asText(), g.get("messages").asLong()));
        // By header: 2 and 6 ham, 4 spam; 3 and 7 have none; 5 has no text.
        assertThat(groups)
                .containsOnly(
                        Map.entry("ham", 2L), Map.entry("spam", 1L), Map.entry("unlabelled", 2L));
        assertThat(r.at("/candidate/labelled_ham").asLong()).isEqualTo(2);
        assertThat(r.at("/flips/list/0/subject").asText()).isEqualTo("Subject: record 2");
        assertThat(run.err).contains(topic + "-0@5: no text");
    }

    @Test
    void timeRangeOfJsonValues() throws Exception {
        String topic = topicOfTen(true);
        Path report = dir.resolve("r.json");
        String from = java.time.Instant.ofEpochMilli(BASE_TIME + 6000).toString();

        CliRun run =
                CliRun.of(
                        "backtest",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        "kafka:" + topic + "@" + broker.bootstrapServers(),
                        "--from",
                        from,
                        "--value-format",
                        "json",
                        "--json-path",
                        "$.body.text",
                        "--json",
                        report.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode r = JSON.readTree(report.toFile());
        assertThat(r.at("/source/records_in_range").asLong()).isEqualTo(4);
        assertThat(r.at("/source/messages").asLong()).isEqualTo(4);
        assertThat(r.at("/source/partitions/" + topic + "-0/from").asLong()).isEqualTo(6);
    }

    @Test
    void unknownPartitionIsAUsageError() throws Exception {
        String topic = topicOfTen(false);
        CliRun noPartition =
                CliRun.of(
                        "backtest",
                        "--model",
                        trained.bundle.toString(),
                        "--data",
                        "kafka:" + topic + "@" + broker.bootstrapServers(),
                        "--partitions",
                        "3");
        assertThat(noPartition.code).isEqualTo(2);
        assertThat(noPartition.err).contains("has no partition 3");
    }
}
