package dev.spamgpt.streams.testing;

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain producers for the broker tests. */
public final class KafkaClients {

    private KafkaClients() {}

    /**
     * An idempotent byte producer.
     *
     * @param bootstrap the cluster
     * @param maxRequestBytes the largest request the tests send
     * @return the producer
     */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrap, int maxRequestBytes) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Admin client properties for a cluster.
     *
     * @param bootstrap the cluster
     * @return the properties
     */
    public static Properties admin(String bootstrap) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return props;
    }
}
