package dev.spamgpt.mailet.james;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * {@link FeedbackLoop} on a Kafka topic, on the project's single-node KRaft broker (the streams
 * jar's EmbeddedKafkaBroker, in a JVM of its own).
 */
class FeedbackLoopKafkaIT extends FeedbackLoop {

    @Test
    void theKafkaStoreFeedsTheTrainer() throws Exception {
        try (Jars.Broker broker = Jars.Broker.start(tmp.resolve("broker.log"))) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers);
            try (Admin admin = Admin.create(props)) {
                admin.createTopics(List.of(new NewTopic("spamgpt-feedback", 1, (short) 1)))
                        .all()
                        .get();
            }
            loop(
                    "kafka:spamgpt-feedback@" + broker.bootstrapServers,
                    () -> StoredReports.topic(broker.bootstrapServers, "spamgpt-feedback"));
        }
    }
}
