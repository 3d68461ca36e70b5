package dev.spamgpt.streams.testing;

import dev.spamgpt.streams.config.FilterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A read-committed consumer over the filter's output topics that keeps every record it sees, so a
 * test can wait for a count and then look for duplicates. Not thread-safe: use it from the test
 * thread only.
 */
public final class OutputWatcher implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    /**
     * Subscribes (by assignment, from the beginning) to the topics.
     *
     * @param bootstrap the cluster
     * @param topics the topics, which must exist
     */
    public OutputWatcher(String bootstrap, List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Watches the three topics a filter writes: spam, ham and dead letters.
     *
     * @param bootstrap the cluster
     * @param config the filter's settings, whose output topics must exist
     * @return the watcher
     */
    public static OutputWatcher outputsOf(String bootstrap, FilterConfig config) {
        return new OutputWatcher(
                bootstrap, List.of(config.spamTopic(), config.hamTopic(), config.dlqTopic()));
    }

    /**
     * Reads until at least {@code n} records have been seen in total.
     *
     * @param n the count
     * @param timeout how long to wait
     * @throws TimeoutException naming the count reached
     */
    public void awaitAtLeast(int n, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "saw "
                                + records.size()
                                + " of "
                                + n
                                + " committed records in "
                                + timeout.toSeconds()
                                + " s");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
    }

    /**
     * Keeps reading for a while, to catch records that should not be there.
     *
     * @param time how long
     */
    public void settle(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
    }

    /** Returns every record seen so far. */
    public List<ConsumerRecord<byte[], byte[]>> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
