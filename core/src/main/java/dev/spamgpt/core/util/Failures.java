package dev.spamgpt.core.util;

/**
 * The one rule, shared by every entry point (the streams processor, the mailet and matcher, the
 * trainer's readers, core's text extraction), for what one message may throw. Anything thrown while
 * one message is read or scored is that message's problem: its dead letter, its {@code error}
 * verdict or its malformed count. That includes a {@link StackOverflowError} from a deeply nested
 * or encoded input, which has unwound by the time it is caught and leaves the thread as it was. Any
 * other {@link VirtualMachineError} (an {@link OutOfMemoryError}, an {@link InternalError}) says
 * the JVM itself is in trouble, and a {@link ThreadDeath} says the thread is being stopped: these
 * are rethrown, so that the host (Kafka Streams' thread replacement, James, {@code
 * -XX:+ExitOnOutOfMemoryError}) deals with them.
 */
public final class Failures {

    private Failures() {}

    /**
     * Returns whether a throwable must not be turned into one message's problem.
     *
     * @param error what was thrown
     * @return true for a virtual machine error other than a stack overflow, or a thread death
     */
    @SuppressWarnings("deprecation") // ThreadDeath: still what Thread.stop throws on Java 17
    public static boolean isFatal(Throwable error) {
        return (error instanceof VirtualMachineError && !(error instanceof StackOverflowError))
                || error instanceof ThreadDeath;
    }

    /**
     * Rethrows a fatal throwable and returns any other.
     *
     * @param error what was thrown
     * @param <T> its type
     * @return the same throwable, when it is not fatal
     */
    public static <T extends Throwable> T requireNonFatal(T error) {
        if (isFatal(error)) {
            throw (Error) error;
        }
        return error;
    }
}
