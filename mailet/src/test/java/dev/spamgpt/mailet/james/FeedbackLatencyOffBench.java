package dev.spamgpt.mailet.james;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baseline of {@link FeedbackLatency}: James and the mailet, no feedback listener. */
class FeedbackLatencyOffBench extends FeedbackLatency {

    @TempDir Path tmp;

    @Test
    void measureWithoutTheListener() throws Exception {
        // A result of an earlier run must not pass for this run's.
        java.nio.file.Files.deleteIfExists(RESULTS.resolve("off"));
        double[] off = measure(tmp, false);
        write("off", off);
        System.out.println("[FeedbackLatency] " + line("listener off", off));
    }
}
