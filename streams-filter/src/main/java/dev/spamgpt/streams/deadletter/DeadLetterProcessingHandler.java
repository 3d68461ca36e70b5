package dev.spamgpt.streams.deadletter;

import dev.spamgpt.streams.topology.BatchFailedException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code processing.exception.handler}: an unexpected exception while processing one record sends
 * that record to the dead-letter topic ({@code processing-error}) and processing goes on. Two cases
 * fail the task instead, because resuming could duplicate or skip records: a failed micro-batch
 * flush ({@link BatchFailedException}) and an exception in a punctuation, which has no record of
 * its own. Failing the task aborts its transaction under exactly-once; the stream thread is then
 * replaced and the task restarts from its state store and last commit.
 */
public class DeadLetterProcessingHandler extends DeadLetterHandler
        implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    @Override
    public Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isBatchFailure(exception) || context.topic() == null) {
            LOG.error(
                    "Task {} node {}: failing the task so that its uncommitted work is rolled back",
                    context.taskId(),
                    context.processorNodeId(),
                    exception);
            return Response.fail();
        }
        LOG.error(
                "Task {} node {}: unexpected error on {}-{}@{}; dead-lettering the record",
                context.taskId(),
                context.processorNodeId(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception);
        return Response.resume(
                deadLetter(
                        DeadLetterReason.PROCESSING_ERROR,
                        context.sourceRawKey(),
                        context.sourceRawValue(),
                        context.timestamp(),
                        context.headers(),
                        exception,
                        context.topic(),
                        context.partition(),
                        context.offset()));
    }

    private static boolean isBatchFailure(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BatchFailedException) {
                return true;
            }
        }
        return false;
    }
}
