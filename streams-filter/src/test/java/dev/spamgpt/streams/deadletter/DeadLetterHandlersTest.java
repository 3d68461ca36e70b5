package dev.spamgpt.streams.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.metrics.FilterMetrics;
import dev.spamgpt.streams.topology.BatchFailedException;
import dev.spamgpt.streams.topology.SpamHeaders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The three exception handlers on their own: what each resumes, fails or retries, and the dead
 * letter it sends.
 */
class DeadLetterHandlersTest {

    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "value".getBytes(StandardCharsets.UTF_8);

    private final FilterMetrics metrics = new FilterMetrics(new SimpleMeterRegistry());

    private Map<String, Object> configs(String dlqTopic) {
        Map<String, Object> configs = new HashMap<>();
        if (dlqTopic != null) {
            configs.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic);
        }
        configs.put(StreamsSettings.METRICS_CONFIG, metrics);
        configs.put(StreamsSettings.MAX_RECORD_BYTES_CONFIG, "1000");
        return configs;
    }

    private static ErrorHandlerContext context(String topic) {
        Headers headers = new RecordHeaders().add("h", "v".getBytes(StandardCharsets.UTF_8));
        return new DefaultErrorHandlerContext(
                null, topic, 2, 42L, headers, "classify", new TaskId(0, 2), 1000L, KEY, VALUE);
    }

    private static void assertDeadLetter(
            ProducerRecord<byte[], byte[]> letter,
            DeadLetterReason reason,
            String topic,
            long offset) {
        assertThat(letter.topic()).isEqualTo("dlq");
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_REASON))
                .isEqualTo(reason.code());
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_SOURCE_TOPIC))
                .isEqualTo(topic);
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_SOURCE_PARTITION))
                .isEqualTo("2");
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_SOURCE_OFFSET))
                .isEqualTo(Long.toString(offset));
        assertThat(SpamHeaders.text(letter.headers(), "h")).isEqualTo("v");
        assertThat(letter.key()).isEqualTo(KEY);
    }

    @Test
    void deserializationHandlerShouldDeadLetterTheRawRecordAndCountIt() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(configs("dlq"));
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>(
                        "in",
                        2,
                        7L,
                        1000L,
                        TimestampType.CREATE_TIME,
                        KEY.length,
                        VALUE.length,
                        KEY,
                        VALUE,
                        new RecordHeaders().add("h", "v".getBytes(StandardCharsets.UTF_8)),
                        Optional.empty());

        DeserializationExceptionHandler.Response response =
                handler.handleError(context("in"), record, new IllegalStateException("bad bytes"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertDeadLetter(letter, DeadLetterReason.DESERIALIZATION_ERROR, "in", 7);
        assertThat(letter.value()).isEqualTo(VALUE);
        assertThat(letter.timestamp()).isEqualTo(1000L);
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_ERROR))
                .isEqualTo("IllegalStateException: bad bytes");
        assertThat(metrics.deadLetterCount(DeadLetterReason.DESERIALIZATION_ERROR)).isEqualTo(1);
    }

    @Test
    void handlersWithoutADeadLetterTopicShouldResumeWithNothingToSendAndCountNothing() {
        DeadLetterDeserializationHandler deserialization = new DeadLetterDeserializationHandler();
        deserialization.configure(configs(null));
        DeadLetterProcessingHandler processing = new DeadLetterProcessingHandler();
        processing.configure(configs(null));
        DeadLetterProductionHandler production = new DeadLetterProductionHandler();
        production.configure(configs(null));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("in", 2, 7L, KEY, VALUE);

        DeserializationExceptionHandler.Response d =
                deserialization.handleError(context("in"), record, new IllegalStateException("x"));
        ProcessingExceptionHandler.Response p =
                processing.handleError(
                        context("in"),
                        new Record<>(KEY, VALUE, 1L),
                        new IllegalStateException("x"));
        ProductionExceptionHandler.Response w =
                production.handleError(
                        context("in"),
                        new ProducerRecord<>("spam", KEY, VALUE),
                        new RecordTooLargeException("x"));

        assertThat(d.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(d.deadLetterQueueRecords()).isEmpty();
        assertThat(p.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(p.deadLetterQueueRecords()).isEmpty();
        assertThat(w.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(w.deadLetterQueueRecords()).isEmpty();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(metrics.deadLetterCount(reason)).as(reason.code()).isZero();
        }
    }

    @Test
    void processingHandlerShouldDeadLetterTheSourceRecordButFailTheTaskForABatchOrAPunctuation() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(configs("dlq"));
        Record<byte[], byte[]> record =
                new Record<>("other".getBytes(StandardCharsets.UTF_8), null, 1L);

        ProcessingExceptionHandler.Response resumed =
                handler.handleError(context("in"), record, new IllegalStateException("boom"));
        ProcessingExceptionHandler.Response batch =
                handler.handleError(
                        context("in"),
                        record,
                        new IllegalStateException(
                                "wrapped",
                                new BatchFailedException("flush", new RuntimeException())));
        ProcessingExceptionHandler.Response punctuation =
                handler.handleError(context(null), record, new IllegalStateException("boom"));

        assertThat(resumed.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(resumed.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = resumed.deadLetterQueueRecords().get(0);
        assertDeadLetter(letter, DeadLetterReason.PROCESSING_ERROR, "in", 42);
        assertThat(letter.value()).as("the source record's raw value").isEqualTo(VALUE);
        assertThat(batch.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(punctuation.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(metrics.deadLetterCount(DeadLetterReason.PROCESSING_ERROR)).isEqualTo(1);
    }

    @Test
    void productionHandlerShouldRetryRetriableErrorsAndDeadLetterOthersWithoutTheValue() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(configs("dlq"));
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(
                        "spam",
                        null,
                        1000L,
                        KEY,
                        VALUE,
                        new RecordHeaders().add("h", "v".getBytes(StandardCharsets.UTF_8)));

        ProductionExceptionHandler.Response retried =
                handler.handleError(context("in"), record, new TimeoutException("later"));
        ProductionExceptionHandler.Response replaced =
                handler.handleError(context("in"), record, new RecordTooLargeException("too big"));
        ProductionExceptionHandler.Response dropped =
                handler.handleError(
                        context("in"),
                        new ProducerRecord<>("dlq", KEY, VALUE),
                        new RecordTooLargeException("too big"));

        assertThat(retried.result()).isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(replaced.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(replaced.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = replaced.deadLetterQueueRecords().get(0);
        assertDeadLetter(letter, DeadLetterReason.PRODUCTION_ERROR, "in", 42);
        assertThat(letter.value()).isNull();
        assertThat(SpamHeaders.text(letter.headers(), SpamHeaders.DLQ_ORIGINAL_SIZE))
                .isEqualTo(Integer.toString(VALUE.length));
        assertThat(dropped.result())
                .as("a dead letter that cannot be written")
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(dropped.deadLetterQueueRecords()).isEmpty();
        assertThat(metrics.deadLetterCount(DeadLetterReason.PRODUCTION_ERROR)).isEqualTo(1);
    }
}
