package dev.spamgpt.mailet;

/**
 * The one rule for what goes wrong with one mail: anything thrown while a mail is read or scored
 * is that mail's problem and becomes its {@code error} verdict, including a
 * {@link StackOverflowError} (a decoder recursing once per input line: the stack is unwound by the
 * time it is caught, so the thread is fine). A {@link VirtualMachineError} of any other kind, such
 * as an {@link OutOfMemoryError}, says the JVM itself is in trouble: it is rethrown as is, so that
 * James and the JVM's own settings (such as {@code -XX:+ExitOnOutOfMemoryError}) deal with it.
 */
final class Failures {

    private Failures() {}

    /** @return whether {@code t} must not be turned into a verdict */
    @SuppressWarnings("deprecation") // ThreadDeath: still what Thread.stop throws on Java 11 to 17
    static boolean isFatal(Throwable t) {
        return (t instanceof VirtualMachineError && !(t instanceof StackOverflowError))
                || t instanceof ThreadDeath;
    }

    /** Rethrows {@code t} when it {@link #isFatal is fatal}; returns otherwise. */
    static void rethrowIfFatal(Throwable t) {
        if (isFatal(t)) {
            throw (Error) t;
        }
    }

    /** A short description for a verdict or a log line: the message, or the class for an Error. */
    static String describe(Throwable t) {
        return t instanceof Error || t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
