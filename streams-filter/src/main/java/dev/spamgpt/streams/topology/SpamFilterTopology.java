package dev.spamgpt.streams.topology;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.metrics.FilterMetrics;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The filter's topology:
 *
 * <pre>
 * input ──▶ classify (micro-batched, buffer store) ──▶ route ─┬─▶ spam topic
 *                                                             ├─▶ ham topic
 *                                                             └─▶ dead-letter topic
 * </pre>
 *
 * Keys, values, timestamps and headers pass through as read; classified records gain {@code
 * spam.label}, {@code spam.score} and {@code spam.model}, dead letters gain {@code spam.dlq.*}. See
 * {@link SpamHeaders}.
 */
public final class SpamFilterTopology {

    /**
     * Name of the micro-batch buffer store; its changelog is {@code
     * <application.id>-spamgpt-batch-buffer-changelog}.
     */
    public static final String BUFFER_STORE = "spamgpt-batch-buffer";

    private SpamFilterTopology() {}

    /**
     * Builds the topology. Pure: it only wires processors, so {@code TopologyTestDriver} tests and
     * the application call the same method.
     *
     * @param config topics, value format, size limit and batch bounds
     * @param scorer the classifier, shared by every task (it is thread-safe)
     * @param metrics where the classify step counts records and times inference
     * @return the topology
     */
    public static Topology build(FilterConfig config, SpamScorer scorer, FilterMetrics metrics) {
        return build(config, Models.of(scorer), metrics);
    }

    /**
     * Builds the topology around models that may be swapped while it runs, and an optional shadow.
     *
     * @param config topics, format, size limit and batching
     * @param models the live model and the shadow, shared by every task
     * @param metrics where the filter counts what it does
     * @return the topology
     */
    public static Topology build(FilterConfig config, Models models, FilterMetrics metrics) {
        Serde<byte[]> bytes = Serdes.ByteArray();
        StreamsBuilder builder = new StreamsBuilder();
        String[] stores = {};
        if (config.batching()) {
            builder.addStateStore(bufferStore(config));
            stores = new String[] {BUFFER_STORE};
        }
        KStream<byte[], Routed> classified =
                builder.stream(config.inputTopic(), Consumed.with(bytes, bytes).withName("input"))
                        .process(
                                () -> new ClassifyProcessor(config, models, metrics),
                                Named.as("classify"),
                                stores);
        classified
                .split(Named.as("route-"))
                .branch(
                        (key, routed) -> routed.route() == Route.SPAM,
                        Branched.withConsumer(
                                spam -> unwrapTo(spam, config.spamTopic(), "spam"), "spam"))
                .branch(
                        (key, routed) -> routed.route() == Route.HAM,
                        Branched.withConsumer(
                                ham -> unwrapTo(ham, config.hamTopic(), "ham"), "ham"))
                .branch(
                        (key, routed) -> routed.route() == Route.DEAD_LETTER,
                        Branched.withConsumer(
                                dead -> unwrapTo(dead, config.dlqTopic(), "dead-letter"),
                                "dead-letter"))
                .noDefaultBranch();
        return builder.build();
    }

    /**
     * Returns the bytes a topic that receives filter records must accept per record ({@code
     * max.message.bytes}): the size limit plus room for key, headers and batch overhead, never
     * below the broker default.
     *
     * @param config the filter configuration
     * @return bytes
     */
    public static int maxMessageBytes(FilterConfig config) {
        return Math.max(1_048_588, config.maxRecordBytes() + 256 * 1024);
    }

    private static void unwrapTo(KStream<byte[], Routed> branch, String topic, String name) {
        branch.mapValues(Routed::value, Named.as("unwrap-" + name))
                .to(
                        topic,
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName("to-" + name));
    }

    private static StoreBuilder<KeyValueStore<org.apache.kafka.common.utils.Bytes, BufferedRecord>>
            bufferStore(FilterConfig config) {
        return Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(BUFFER_STORE),
                        Serdes.Bytes(),
                        BufferedRecord.serde())
                .withLoggingEnabled(
                        Map.of(
                                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                Integer.toString(maxMessageBytes(config))))
                .withCachingEnabled();
    }
}
