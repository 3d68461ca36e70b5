package dev.spamgpt.trainer.pending;

import java.util.Locale;

/** Stand-in for {@code dev.spamgpt.core.util.ProgressBar}: a plain stderr line now and then. */
public final class ProgressBar implements AutoCloseable {

    private final String label;
    private final java.io.PrintStream out;
    private final long total;
    private final long start = System.nanoTime();
    private long count;
    private long lastPrint;
    private String suffix = "";

    /**
     * @param label label
     * @param total total units
     */
    public ProgressBar(String label, long total) {
        this(label, total, 0, false, System.err, false, System::nanoTime);
    }

    /**
     * @param label label
     * @param total total
     * @param initial initial
     * @param bytes bytes
     * @param out stream
     * @param interactive tty
     * @param clock clock
     */
    public ProgressBar(String label, long total, long initial, boolean bytes, java.io.PrintStream out,
            boolean interactive, java.util.function.LongSupplier clock) {
        this.label = label;
        this.total = total;
        this.out = out;
    }

    /** @param n units done */
    public synchronized void step(long n) {
        count += n;
        long now = System.nanoTime();
        if (now - lastPrint > 2_000_000_000L || count >= total) {
            lastPrint = now;
            out.println(render());
        }
    }

    /** @param text suffix */
    public synchronized void setSuffix(String text) {
        suffix = text;
    }

    /** @param message a line */
    public synchronized void println(String message) {
        out.println(message);
    }

    /** @return line */
    public synchronized String render() {
        double s = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%s %d/%d %.1f/s %s", label, count, total, count / Math.max(s, 1e-9), suffix);
    }

    @Override
    public void close() {
    }
}
