package dev.spamgpt.streams.topology;

/**
 * A flush of the micro-batch failed after it may have forwarded part of the batch. The batch is
 * still in the buffer store, so the only safe answer is to fail the task: under exactly-once the
 * transaction is aborted and the task restarts from the store and the last committed offset. The
 * processing exception handler therefore never resumes past this exception.
 */
public class BatchFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed
     * @param cause the error
     */
    public BatchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
