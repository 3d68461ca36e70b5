package dev.spamgpt.streams;

import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.topology.SpamFilterTopology;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the filter's topics that do not exist yet ({@code --create-topics}). Existing topics are
 * left alone.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * Creates the input, spam, ham and dead-letter topics that are missing, with a {@code
     * max.message.bytes} that fits the size limit.
     *
     * @param adminProps admin client properties
     * @param config the topics and size limit
     * @param partitions partitions of each new topic
     * @param replicationFactor replicas of each new topic, or -1 for the broker default
     * @return the topics created
     * @throws ExecutionException when the cluster refuses
     * @throws InterruptedException when interrupted
     * @throws TimeoutException when the cluster does not answer in 60 s
     */
    public static List<String> createMissing(
            Properties adminProps, FilterConfig config, int partitions, int replicationFactor)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        Set<String> wanted =
                new LinkedHashSet<>(
                        List.of(
                                config.inputTopic(),
                                config.spamTopic(),
                                config.hamTopic(),
                                config.dlqTopic()));
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : wanted) {
                if (existing.contains(topic)) {
                    LOG.info("Topic {} exists; leaving it as it is", topic);
                    continue;
                }
                missing.add(
                        new NewTopic(
                                        topic,
                                        Optional.of(partitions),
                                        replicationFactor < 0
                                                ? Optional.empty()
                                                : Optional.of((short) replicationFactor))
                                .configs(
                                        Map.of(
                                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                                Integer.toString(
                                                        SpamFilterTopology.maxMessageBytes(
                                                                config)))));
            }
            List<String> created = new ArrayList<>();
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                    created.add(topic.name());
                    LOG.info("Created topic {} with {} partitions", topic.name(), partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return created;
        }
    }
}
