package dev.spamgpt.streams.errors;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.spamgpt.streams.topology.DeadLetterReason;
import dev.spamgpt.streams.topology.DeadLetters;

/**
 * {@code deserialization.exception.handler}: a record that its deserializer rejects goes to the
 * dead-letter topic with its raw bytes ({@code deserialization-error}). The filter reads raw bytes,
 * so this is a safety net for custom serdes; text decoding errors are handled in the topology,
 * where they get a precise reason.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private HandlerSettings settings;

    @Override
    public void configure(Map<String, ?> configs) {
        settings = HandlerSettings.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        LOG.warn("Cannot deserialize {}-{}@{}; dead-lettering it", record.topic(), record.partition(), record.offset(),
                exception);
        if (settings.dlqTopic() == null) {
            return Response.resume();
        }
        settings.count(DeadLetterReason.DESERIALIZATION_ERROR);
        return Response.resume(List.of(DeadLetters.record(settings.dlqTopic(), record.key(), record.value(),
                record.timestamp(), record.headers(), DeadLetterReason.DESERIALIZATION_ERROR, exception,
                record.topic(), record.partition(), record.offset(), settings.maxRecordBytes())));
    }
}
