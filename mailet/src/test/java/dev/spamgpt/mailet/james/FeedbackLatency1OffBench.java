package dev.spamgpt.mailet.james;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first run of {@link FeedbackLatency}: James and the mailet, no feedback listener. */
class FeedbackLatency1OffBench extends FeedbackLatency {

    @TempDir Path tmp;

    @Test
    void measureWithoutTheListener() throws Exception {
        // Results of an earlier Maven run must not pass for this run's.
        for (Run run : RUNS) {
            Files.deleteIfExists(RESULTS.resolve(run.name()));
        }
        run(tmp, RUNS.get(0));
    }
}
