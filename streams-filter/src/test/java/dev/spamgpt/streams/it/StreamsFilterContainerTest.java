package dev.spamgpt.streams.it;

import dev.spamgpt.streams.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The routing scenario against the official {@code apache/kafka} image. Runs where Docker is
 * available; elsewhere JUnit reports it as disabled ("Docker is not available").
 */
@Testcontainers(disabledWithoutDocker = true)
class StreamsFilterContainerTest {

    @Container private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir static Path dir;

    @Test
    void shouldRouteEverySmsExactlyOnceOnTheApacheKafkaImage() throws Exception {
        RoutingScenario.run(
                KAFKA.getBootstrapServers(),
                TestModels.tinyBundle(dir, 3),
                dir.resolve("state"),
                "container",
                300);
    }
}
