package dev.spamgpt.streams.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Option;

/**
 * Command-line options (a picocli Mixin): the cluster (or the embedded broker) and the Kafka
 * Streams settings.
 */
public final class KafkaFlags {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Kafka cluster. Required unless --embedded-broker.")
    String bootstrapServers;

    @Option(
            names = "--embedded-broker",
            description =
                    "Start a single-node Kafka broker (KRaft) in this process, print its address"
                            + " and use it. Implies --create-topics.")
    boolean embeddedBroker;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            defaultValue = "spamgpt-streams-filter",
            description =
                    "Kafka Streams application.id (consumer group, internal topic prefix). Default:"
                            + " ${DEFAULT-VALUE}.")
    String applicationId;

    @Option(
            names = "--processing-guarantee",
            paramLabel = "GUARANTEE",
            defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "exactly_once_v2 or at_least_once. Default: ${DEFAULT-VALUE}.")
    String processingGuarantee;

    @Option(
            names = "--stream-threads",
            paramLabel = "N",
            defaultValue = "1",
            description = "Kafka Streams threads in this instance. Default: ${DEFAULT-VALUE}.")
    int streamThreads;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Kafka Streams state directory. Default: Kafka's.")
    Path stateDir;

    @Option(
            names = "--instance-id",
            paramLabel = "ID|auto|none",
            defaultValue = StaticMembership.AUTO,
            description =
                    "Static group membership (group.instance.id), so that a restarted instance gets"
                        + " its partitions back at once instead of after the 45 s session timeout;"
                        + " a dead instance's partitions then wait that timeout. auto (default):"
                        + " application id, POD_NAME or HOSTNAME, and a hash of --state-dir; none:"
                        + " off. A group.instance.id in --kafka-config wins.")
    String instanceId;

    @Option(
            names = "--kafka-config",
            paramLabel = "KEY=VALUE",
            mapFallbackValue = "",
            description =
                    "Raw Kafka Streams or client setting, repeatable, e.g."
                            + " security.protocol=SASL_SSL.")
    Map<String, String> kafkaConfig = new LinkedHashMap<>();

    /**
     * @return {@code --bootstrap-servers}, or null
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * @return whether {@code --embedded-broker} was given
     */
    public boolean embeddedBroker() {
        return embeddedBroker;
    }

    /**
     * Resolves these options; {@link KafkaOptions} checks them.
     *
     * @param bootstrap the cluster to use (the embedded broker's, or {@code --bootstrap-servers})
     * @param defaults the environment and file layers, for the raw Kafka settings they hold
     * @return the Kafka settings
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public KafkaOptions kafkaOptions(String bootstrap, LayeredDefaults defaults) {
        Map<String, String> overrides = new LinkedHashMap<>();
        String id =
                StaticMembership.instanceId(instanceId, applicationId, stateDir, System.getenv());
        if (id != null) {
            overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
        }
        overrides.putAll(defaults.kafkaOverrides(kafkaConfig));
        return new KafkaOptions(
                applicationId, bootstrap, processingGuarantee, streamThreads, stateDir, overrides);
    }
}
