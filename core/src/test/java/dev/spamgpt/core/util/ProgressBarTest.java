package dev.spamgpt.core.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(0);

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void renderShouldShowCountPercentRateEtaAndSuffix() {
        ProgressBar bar = new ProgressBar("epoch 1", 100, 0, false, out, false, now::get);
        now.set(10 * SECOND);
        bar.set(25);
        bar.setSuffix("loss 0.412");

        // 25 items in 10 s = 2.5/s; 75 left = 30 s.
        assertThat(bar.render()).isEqualTo("epoch 1  25% 25/100 2.5/s ETA 0:30  loss 0.412");
    }

    @Test
    void plainOutputShouldPrintAtMostOneLineEveryFewSeconds() {
        ProgressBar bar = new ProgressBar("items", 1000, 0, false, out, false, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(SECOND / 100); // 10 s in total
            bar.step(1);
        }
        bar.close();

        String[] lines = output().split("\n");
        assertThat(lines).hasSizeBetween(2, 4);
        assertThat(output()).doesNotContain("\r");
        assertThat(lines[lines.length - 1]).startsWith("items 100% 1000/1000 100/s in 0:10");
    }

    @Test
    void terminalOutputShouldRedrawInPlaceAndEndWithNewline() {
        ProgressBar bar = new ProgressBar("train", 4, 0, false, out, true, now::get);
        for (int i = 0; i < 4; i++) {
            now.addAndGet(SECOND);
            bar.step(1);
        }
        bar.close();

        assertThat(output()).startsWith("\rtrain [").endsWith("\n").contains("100% 4/4");
        assertThat(output().chars().filter(c -> c == '\n').count()).isEqualTo(1);
    }

    @Test
    void byteBarsShouldUseBinaryUnitsAndIgnoreResumedBytesInTheRate() {
        ProgressBar bar = new ProgressBar("gpt2", 4L << 20, 2L << 20, true, out, false, now::get);
        now.set(2 * SECOND);
        bar.step(1 << 20);

        // 1 MiB downloaded in 2 s after resuming at 2 MiB.
        assertThat(bar.render()).isEqualTo("gpt2  75% 3.0 MiB/4.0 MiB 512.0 KiB/s ETA 0:02");
    }

    @Test
    void unknownTotalShouldShowCountAndRateOnly() {
        ProgressBar bar = new ProgressBar("lines", 0, 0, false, out, false, now::get);
        now.set(SECOND);
        bar.step(42);
        assertThat(bar.render()).isEqualTo("lines 42 42/s");
    }

    @Test
    void stepShouldBeThreadSafe() throws InterruptedException {
        ProgressBar bar = new ProgressBar("x", 0, 0, false, out, false, System::nanoTime);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(
                    () -> {
                        for (int i = 0; i < 10_000; i++) {
                            bar.step(1);
                        }
                    });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bar.count()).isEqualTo(40_000);
    }

    @Test
    void printlnShouldClearTheBarLineOnTerminals() {
        ProgressBar bar = new ProgressBar("train", 10, 0, false, out, true, now::get);
        now.set(SECOND);
        bar.step(1);
        bar.println("Ep 1 (Step 000050): Train loss 0.500");
        assertThat(output()).contains("\rEp 1 (Step 000050): Train loss 0.500\n\rtrain [");
    }

    @Test
    void closeShouldBeIdempotent() {
        ProgressBar bar = new ProgressBar("x", 1, 0, false, out, false, now::get);
        bar.step(1);
        bar.close();
        bar.close();
        assertThat(output().split("\n")).hasSize(1);
    }
}
