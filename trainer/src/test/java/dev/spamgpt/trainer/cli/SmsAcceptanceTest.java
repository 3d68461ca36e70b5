package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.testing.SharedData;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance run: {@code prepare} and {@code train --init random --config tiny} on the
 * real SMS Spam Collection, under 10 minutes, test accuracy at least 0.92. It takes minutes, so it
 * runs only when asked: {@code ./mvnw -pl trainer -am test -Dtest=SmsAcceptanceTest
 * -Dspamgpt.acceptance=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SmsAcceptanceTest {

    @TempDir Path dir;

    @Test
    void tinyModelShouldLearnTheSmsCollectionInTenMinutes() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.acceptance"),
                "the full SMS run takes minutes; enable it with -Dspamgpt.acceptance=true");
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        assumeTrue(sms != null, SharedData.notFound(SharedData.SMS_COLLECTION));

        long start = System.nanoTime();
        CliRun prepare = CliRun.prepare(sms, dir.resolve("data"));
        assertThat(prepare.code).as(prepare.toString()).isZero();
        CliRun train = CliRun.trainTiny(dir.resolve("data"), dir.resolve("run"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(train.code).as(train.toString()).isZero();

        JsonNode metrics = new ObjectMapper().readTree(dir.resolve("run/metrics.json").toFile());
        System.out.printf(
                "SMS acceptance: %s wall, %.1f s training, %.1f s CPU, test accuracy %.4f%n",
                took,
                metrics.get("train_seconds").asDouble(),
                metrics.get("cpu_seconds").asDouble(),
                metrics.get("test_accuracy").asDouble());
        assertThat(took).isLessThan(Duration.ofMinutes(10));
        assertThat(metrics.get("test_accuracy").asDouble()).isGreaterThanOrEqualTo(0.92);
    }
}
