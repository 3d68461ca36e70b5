package dev.spamgpt.streams.deadletter;

import dev.spamgpt.streams.topology.SpamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code production.exception.handler}: a retriable send error is retried (the task restarts from
 * its last commit). A record that cannot be written, for example because it is larger than the
 * output topic's {@code max.message.bytes}, is replaced by a dead letter without its value ({@code
 * production-error}); the source coordinates point at the original. A dead letter that itself
 * cannot be written is logged and dropped, so that the handler never loops.
 *
 * <p>Under exactly-once a non-retriable send error also aborts the transaction, so the filter
 * avoids them in the first place: it raises the producer's {@code max.request.size} to the size
 * limit plus headroom and, with {@code --create-topics}, creates the topics with a matching {@code
 * max.message.bytes}.
 */
public class DeadLetterProductionHandler extends DeadLetterHandler
        implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    @Override
    public Response handleError(
            ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (exception instanceof RetriableException) {
            LOG.warn("Retriable error writing to {}: {}", record.topic(), exception.toString());
            return Response.retry();
        }
        return deadLetterOrDrop(context, record, exception);
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface's signature
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        @SuppressWarnings("unchecked")
        ProducerRecord<?, ?> typed = record;
        ProducerRecord<byte[], byte[]> bytes =
                new ProducerRecord<>(
                        typed.topic(),
                        typed.partition(),
                        typed.timestamp(),
                        context.sourceRawKey(),
                        context.sourceRawValue(),
                        typed.headers());
        return deadLetterOrDrop(context, bytes, exception);
    }

    private Response deadLetterOrDrop(
            ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (dlqTopic() == null || dlqTopic().equals(record.topic())) {
            LOG.error(
                    "Cannot write a record to {}; dropping it (source {}-{}@{})",
                    record.topic(),
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    exception);
            return Response.resume();
        }
        LOG.error(
                "Cannot write a record to {}; dead-lettering it (source {}-{}@{})",
                record.topic(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception);
        // Value left out: whatever made the write fail (usually size) must not fail the dead letter
        // too.
        List<ProducerRecord<byte[], byte[]>> deadLetter =
                deadLetter(
                        DeadLetterReason.PRODUCTION_ERROR,
                        record.key(),
                        null,
                        record.timestamp() == null ? -1 : record.timestamp(),
                        record.headers(),
                        exception,
                        context.topic(),
                        context.partition(),
                        context.offset());
        if (record.value() != null) {
            for (ProducerRecord<byte[], byte[]> letter : deadLetter) {
                letter.headers()
                        .add(
                                SpamHeaders.DLQ_ORIGINAL_SIZE,
                                Integer.toString(record.value().length)
                                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        return Response.resume(deadLetter);
    }
}
