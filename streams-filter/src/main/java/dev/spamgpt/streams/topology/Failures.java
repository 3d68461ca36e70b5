package dev.spamgpt.streams.topology;

/**
 * Which throwables one record may cause. Anything thrown while reading or scoring one record is
 * that record's dead letter, {@code Error}s included: a {@code StackOverflowError} from a deeply
 * nested or encoded value has unwound by the time it is caught and leaves the thread as it was.
 * A {@link VirtualMachineError} other than that (an {@code OutOfMemoryError}, an
 * {@code InternalError}) says the JVM itself is in trouble; it is rethrown, so that the stream
 * thread dies and the usual thread replacement and shutdown rules apply.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * Returns whether a throwable must not be turned into one record's dead letter.
     *
     * @param error what was thrown
     * @return true for a virtual machine error other than a stack overflow
     */
    public static boolean isFatal(Throwable error) {
        return error instanceof VirtualMachineError && !(error instanceof StackOverflowError);
    }

    /**
     * Rethrows a fatal throwable and returns any other.
     *
     * @param error what was thrown
     * @return the same throwable, when it is not fatal
     */
    static Throwable requireNonFatal(Throwable error) {
        if (isFatal(error)) {
            throw (VirtualMachineError) error;
        }
        return error;
    }
}
