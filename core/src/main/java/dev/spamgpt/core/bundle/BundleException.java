package dev.spamgpt.core.bundle;

/** A model bundle that cannot be used: missing, truncated, changed or of an unknown format. */
public class BundleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the bundle file
     */
    public BundleException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the bundle file
     * @param cause the underlying failure
     */
    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
