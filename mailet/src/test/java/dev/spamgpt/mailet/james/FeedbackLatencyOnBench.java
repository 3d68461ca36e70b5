package dev.spamgpt.mailet.james;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FeedbackLatency} with the feedback listener on a folder store, printed against the
 * baseline that {@link FeedbackLatencyOffBench} measured in the same Maven run.
 */
class FeedbackLatencyOnBench extends FeedbackLatency {

    @TempDir Path tmp;

    @Test
    void measureWithTheListener() throws Exception {
        double[] on = measure(tmp, true);
        write("on", on);
        System.out.println("[FeedbackLatency] " + line("listener on", on));
        if (Files.isRegularFile(RESULTS.resolve("off"))) {
            double[] off = read("off");
            System.out.println("[FeedbackLatency] " + line("listener off", off));
            System.out.printf(
                    Locale.ROOT,
                    "[FeedbackLatency] on/off: delivery median %.2fx, p90 %.2fx; MOVE median"
                            + " %.2fx, p90 %.2fx (%d rounds each)%n",
                    on[0] / off[0],
                    on[1] / off[1],
                    on[2] / off[2],
                    on[3] / off[3],
                    ROUNDS);
        }
    }
}
