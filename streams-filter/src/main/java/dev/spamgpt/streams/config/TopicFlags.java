package dev.spamgpt.streams.config;

import picocli.CommandLine.Option;

/**
 * Command-line options (a picocli Mixin): the filter's four topics, and whether and how to create
 * them.
 */
public final class TopicFlags {

    @Option(names = "--input-topic", paramLabel = "TOPIC", description = "Topic to read. Required.")
    String inputTopic;

    @Option(names = "--spam-topic", paramLabel = "TOPIC", description = "Topic for spam. Required.")
    String spamTopic;

    @Option(names = "--ham-topic", paramLabel = "TOPIC", description = "Topic for ham. Required.")
    String hamTopic;

    @Option(
            names = "--dlq-topic",
            paramLabel = "TOPIC",
            description = "Dead-letter topic for records that cannot be classified. Required.")
    String dlqTopic;

    @Option(names = "--create-topics", description = "Create missing topics at start.")
    boolean createTopics;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "3",
            description =
                    "Partitions of topics made by --create-topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "-1",
            description =
                    "Replicas of topics made by --create-topics; -1 is the broker default. Default:"
                            + " ${DEFAULT-VALUE}.")
    int replicationFactor;

    /**
     * Checks that every topic is set, in the order of the options.
     *
     * @throws IllegalArgumentException naming the first missing one and where it can be set
     */
    public void requireAll() {
        LayeredDefaults.require(inputTopic, "--input-topic");
        LayeredDefaults.require(spamTopic, "--spam-topic");
        LayeredDefaults.require(hamTopic, "--ham-topic");
        LayeredDefaults.require(dlqTopic, "--dlq-topic");
    }

    /**
     * @return whether {@code --create-topics} was given
     */
    public boolean createTopics() {
        return createTopics;
    }

    /**
     * @return partitions of created topics
     */
    public int partitions() {
        return partitions;
    }

    /**
     * @return replicas of created topics, -1 for the broker default
     */
    public int replicationFactor() {
        return replicationFactor;
    }
}
