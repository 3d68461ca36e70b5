package dev.spamgpt.streams.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deserialization.exception.handler}: a record that its deserializer rejects goes to the
 * dead-letter topic with its raw bytes ({@code deserialization-error}). The filter reads raw bytes,
 * so this is a safety net for custom serdes; text decoding errors are handled in the topology,
 * where they get a precise reason.
 */
public class DeadLetterDeserializationHandler extends DeadLetterHandler
        implements DeserializationExceptionHandler {

    private static final Logger LOG =
            LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    @Override
    public Response handleError(
            ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        LOG.warn(
                "Cannot deserialize {}-{}@{}; dead-lettering it",
                record.topic(),
                record.partition(),
                record.offset(),
                exception);
        return Response.resume(
                deadLetter(
                        DeadLetterReason.DESERIALIZATION_ERROR,
                        record.key(),
                        record.value(),
                        record.timestamp(),
                        record.headers(),
                        exception,
                        record.topic(),
                        record.partition(),
                        record.offset()));
    }
}
