package dev.spamgpt.trainer.cli;

/** A failure with a message for the user and the exit code to end with; no stack trace is shown. */
public class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * Creates the exception.
     *
     * @param exitCode the process exit code
     * @param message what went wrong and what to do about it
     */
    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param exitCode the process exit code
     * @param message what went wrong and what to do about it
     * @param cause the underlying failure
     */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * Returns the process exit code.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }
}
