package dev.spamgpt.streams.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) inside this JVM, for
 * trying the filter without a cluster and for tests. Its data lives in a temporary directory that
 * is deleted on {@link #close()}. Uses Kafka's own test kit, so it runs the same broker code as a
 * production cluster.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * Formats and starts a broker, and waits until it accepts clients.
     *
     * @param maxMessageBytes the broker's {@code message.max.bytes}
     * @param extraConfig further broker properties (may be empty)
     * @return the running broker
     * @throws Exception when the broker cannot start
     */
    public static EmbeddedKafkaBroker start(int maxMessageBytes, Map<String, String> extraConfig)
            throws Exception {
        // Our own temporary directory: the test kit's default one is deleted by a JVM shutdown
        // hook that can run while the broker is still writing to it.
        Path dataDir = Files.createTempDirectory("spamgpt-kafka-");
        KafkaClusterTestKit.Builder builder =
                new KafkaClusterTestKit.Builder(
                        new TestKitNodes.Builder()
                                .setBaseDirectory(dataDir)
                                // The test kit defaults to the newest, unreleased metadata version;
                                // a broker for
                                // users runs the latest released one.
                                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                                .setCombined(true)
                                .setNumBrokerNodes(1)
                                .setNumControllerNodes(1)
                                .build());
        // One node: every internal topic has one replica. Few partitions keep start-up quick.
        builder.setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "4")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "4")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("message.max.bytes", Integer.toString(maxMessageBytes))
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("unstable.feature.versions.enable", "false")
                .setConfigProp("unstable.api.versions.enable", "false");
        extraConfig.forEach(builder::setConfigProp);
        builder.setDeleteOnClose(true);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new EmbeddedKafkaBroker(cluster);
    }

    /**
     * Returns the address clients connect to.
     *
     * @return {@code host:port}
     */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the embedded broker", e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "embedded broker did not stop cleanly: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the broker in a JVM of its own until standard input closes: for tests and tools that
     * must keep Kafka's libraries apart from their own (James 3.8.1 wants other versions). Prints
     * {@code bootstrap.servers=HOST:PORT} on standard output once the broker is ready.
     *
     * @param args optional: the largest message in bytes (default 2 MiB)
     * @throws Exception if the broker does not start
     */
    public static void main(String[] args) throws Exception {
        int maxMessageBytes = args.length > 0 ? Integer.parseInt(args[0]) : 2 << 20;
        try (EmbeddedKafkaBroker broker = start(maxMessageBytes, Map.of())) {
            System.out.println("bootstrap.servers=" + broker.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Only the end of the input counts.
            }
        }
    }
}
