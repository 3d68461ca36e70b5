package dev.spamgpt.core.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Feedback in a Kafka topic, for mail servers that share one training set.
 *
 * <p>Each report is one record: the key is the message's {@link FeedbackReport#digest() digest},
 * the value the report's JSON with the raw message in {@code raw_base64}. A raw message that would
 * make the record larger than {@code maxRecordBytes} is left out ({@code raw_dropped: true}); the
 * report itself always goes. On a compacted topic, Kafka keeps only the latest record per key, that
 * is the latest label of each message: the trainer's guards then see one report per message instead
 * of every user's. Use a topic with {@code cleanup.policy=delete} (and a long retention) to keep
 * every report.
 *
 * <p>The producer is idempotent ({@code enable.idempotence}, {@code acks=all}), and {@link #append}
 * waits for the broker's acknowledgement, so a report that {@code append} accepted is stored, and
 * one it refused (an {@link IOException}) can be retried by James's event bus. A retried event
 * carries the same report id; {@link #read} returns each id once.
 *
 * <p>kafka-clients is an optional dependency of core: a front end that uses this store declares it.
 */
public final class KafkaFeedbackStore implements FeedbackStore {

    /** Default cap on one record's value, below the broker's default 1 MiB message size. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 900_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_WARNINGS = 10;

    private final String topic;
    private final Properties common;
    private final Duration timeout;
    private final int maxRecordBytes;
    private KafkaProducer<String, byte[]> producer;

    /**
     * @param topic the topic, which must exist (or the broker must create topics)
     * @param bootstrapServers the brokers
     * @param extra more client settings (security, for instance), applied to both the producer and
     *     the consumer
     * @param timeout the most time one append or read may take
     * @param maxRecordBytes cap on one record's value
     */
    public KafkaFeedbackStore(
            String topic,
            String bootstrapServers,
            Map<String, String> extra,
            Duration timeout,
            int maxRecordBytes) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a Kafka feedback store needs a topic");
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("a Kafka feedback store needs bootstrap servers");
        }
        this.topic = topic;
        this.timeout = timeout;
        this.maxRecordBytes = maxRecordBytes;
        this.common = new Properties();
        common.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        common.putAll(extra);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.putAll(common);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
            props.put(
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    Long.toString(Math.min(timeout.toMillis(), 30_000L)));
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            props.put(
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    Integer.toString(maxRecordBytes + 4096));
            producer =
                    new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public void append(FeedbackReport report) throws IOException {
        byte[] value = value(report, maxRecordBytes);
        try {
            producer()
                    .send(new ProducerRecord<>(topic, report.digest(), value))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing a feedback report", e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException(
                    "Kafka did not store the feedback report in topic " + topic + ": " + cause,
                    cause);
        }
    }

    /** The record value: the report's JSON, with the raw message when it fits. */
    static byte[] value(FeedbackReport report, int maxRecordBytes) throws IOException {
        ObjectNode node = JSON.valueToTree(report);
        byte[] plain = JSON.writeValueAsBytes(node);
        if (report.raw().length > 0) {
            long withRaw = plain.length + 20L + (report.raw().length + 2L) / 3 * 4;
            if (withRaw <= maxRecordBytes) {
                node.put("raw_base64", Base64.getEncoder().encodeToString(report.raw()));
                return JSON.writeValueAsBytes(node);
            }
            node.put("raw_dropped", true);
            return JSON.writeValueAsBytes(node);
        }
        return plain;
    }

    @Override
    public FeedbackRead read(Consumer<FeedbackReport> sink, boolean withRaw) throws IOException {
        Properties props = new Properties();
        props.putAll(common);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spamgpt-feedback-read-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(Math.min(timeout.toMillis(), 30_000L)));
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> seen = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        long reports = 0;
        long duplicates = 0;
        long skipped = 0;
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IOException("Kafka has no topic " + topic);
            }
            List<TopicPartition> partitions =
                    infos.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "reading feedback topic " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<String, byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset()
                            >= end.getOrDefault(
                                    new TopicPartition(record.topic(), record.partition()), 0L)) {
                        continue;
                    }
                    FeedbackReport report = decode(record.value(), withRaw);
                    if (report == null) {
                        skipped++;
                        if (warnings.size() < MAX_WARNINGS) {
                            warnings.add(
                                    topic
                                            + "-"
                                            + record.partition()
                                            + "@"
                                            + record.offset()
                                            + ": not a report");
                        }
                    } else if (!seen.add(report.id())) {
                        duplicates++;
                    } else {
                        reports++;
                        sink.accept(report);
                    }
                }
            }
        } catch (KafkaException e) {
            throw new IOException("cannot read feedback topic " + topic + ": " + e, e);
        }
        return new FeedbackRead(reports, duplicates, skipped, warnings);
    }

    private static boolean caughtUp(
            KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static FeedbackReport decode(byte[] value, boolean withRaw) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (!node.isObject()) {
                return null;
            }
            ObjectNode object = (ObjectNode) node;
            JsonNode raw = object.remove("raw_base64");
            object.remove("raw_dropped");
            FeedbackReport report = JSON.treeToValue(object, FeedbackReport.class);
            if (withRaw && raw != null && raw.isTextual()) {
                report = report.toBuilder().raw(Base64.getDecoder().decode(raw.asText())).build();
            }
            return report;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    @Override
    public String toString() {
        return "kafka:" + topic + "@" + common.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
}
