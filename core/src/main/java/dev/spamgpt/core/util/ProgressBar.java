package dev.spamgpt.core.util;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A console progress bar for the command-line tools: label, count/total, percent, rate, ETA and an
 * optional trailing text such as {@code loss 0.412}, on the stream the caller gives (standard error
 * in the trainer and the demo).
 *
 * <p>On a terminal ({@code System.console() != null}) the line is redrawn in place with {@code \r},
 * at most ten times a second. Otherwise (CI logs, pipes) a plain line is printed at most every few
 * seconds, so logs stay short. {@link #close()} always prints the final state.
 *
 * <pre>{@code
 * try (ProgressBar bar = new ProgressBar("epoch 1", batches, 0, false, System.err,
 *         System.console() != null, System::nanoTime)) {
 *     for (...) { ...; bar.setSuffix(String.format("loss %.3f", loss)); bar.step(1); }
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe.
 */
public final class ProgressBar implements AutoCloseable {

    private static final int BAR_WIDTH = 24;
    private static final long TTY_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long PLAIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String label;
    private final PrintStream out;
    private final boolean interactive;
    private final boolean bytes;
    private final LongSupplier clock;
    private final long startNanos;
    private final long initial;
    private final long total;

    private long count;
    private String suffix = "";
    private long lastDrawNanos;
    private int lastWidth;
    private boolean drawn;
    private boolean closed;

    /**
     * Creates a bar. The caller names the stream: core itself never prints.
     *
     * @param label what is being counted
     * @param total the expected count, or 0 or less when unknown
     * @param initial the starting count; the rate counts only progress after it
     * @param bytes whether counts are bytes (formatted as KiB/MiB/GiB)
     * @param out where to draw
     * @param interactive redraw in place with {@code \r} (a terminal) or print plain lines
     * @param clock a nanosecond clock such as {@code System::nanoTime}
     */
    public ProgressBar(
            String label,
            long total,
            long initial,
            boolean bytes,
            PrintStream out,
            boolean interactive,
            LongSupplier clock) {
        this.label = label;
        this.total = total;
        this.initial = initial;
        this.count = initial;
        this.bytes = bytes;
        this.out = out;
        this.interactive = interactive;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /**
     * Adds to the count.
     *
     * @param n how much was done since the last call
     */
    public synchronized void step(long n) {
        count += n;
        maybeDraw();
    }

    /**
     * Sets the count.
     *
     * @param n the count done so far
     */
    public synchronized void set(long n) {
        count = n;
        maybeDraw();
    }

    /**
     * Sets the text shown after the ETA, such as {@code loss 0.412}; null clears it.
     *
     * @param text the trailing text
     */
    public synchronized void setSuffix(String text) {
        suffix = text == null ? "" : text;
        maybeDraw();
    }

    /**
     * Prints a message on its own line without garbling the bar, then redraws the bar.
     *
     * @param message the line to print
     */
    public synchronized void println(String message) {
        if (interactive && drawn) {
            out.print('\r' + " ".repeat(lastWidth) + '\r');
        }
        out.println(message);
        if (interactive && drawn) {
            draw();
        }
        out.flush();
    }

    /**
     * Returns the current count.
     *
     * @return the count
     */
    public synchronized long count() {
        return count;
    }

    /**
     * Returns the line the bar would draw now, without the bar graphic on non-terminals.
     *
     * @return the rendered line
     */
    public synchronized String render() {
        long now = clock.getAsLong();
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (count - initial) / seconds : 0;
        StringBuilder line = new StringBuilder(label);
        if (total > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) count / total));
            if (interactive) {
                int filled = (int) Math.round(fraction * BAR_WIDTH);
                line.append(" [")
                        .append("=".repeat(filled))
                        .append(" ".repeat(BAR_WIDTH - filled))
                        .append(']');
            }
            line.append(
                    String.format(
                            Locale.ROOT,
                            " %3d%% %s/%s",
                            (int) (fraction * 100),
                            amount(count),
                            amount(total)));
        } else {
            line.append(' ').append(amount(count));
        }
        line.append(' ').append(amount(rate)).append("/s");
        if (total > 0 && count < total) {
            line.append(" ETA ").append(rate > 0 ? duration((total - count) / rate) : "--:--");
        } else if (total > 0) {
            line.append(" in ").append(duration(seconds));
        }
        if (!suffix.isEmpty()) {
            line.append("  ").append(suffix);
        }
        return line.toString();
    }

    /** Draws the final state and ends the line. Further calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draw();
        if (interactive) {
            out.println();
        }
        out.flush();
    }

    private void maybeDraw() {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        long interval = interactive ? TTY_INTERVAL_NANOS : PLAIN_INTERVAL_NANOS;
        if (now - lastDrawNanos >= interval) {
            draw();
        }
    }

    private void draw() {
        lastDrawNanos = clock.getAsLong();
        String line = render();
        if (interactive) {
            // Pad over the remains of a longer previous line.
            int pad = Math.max(0, lastWidth - line.length());
            out.print('\r' + line + " ".repeat(pad));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        drawn = true;
    }

    private String amount(double value) {
        if (!bytes) {
            return value == Math.rint(value) && Math.abs(value) < 1e15
                    ? Long.toString((long) value)
                    : String.format(Locale.ROOT, "%.1f", value);
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0
                ? String.format(Locale.ROOT, "%.0f %s", value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
