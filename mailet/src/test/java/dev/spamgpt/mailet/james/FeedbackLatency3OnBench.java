package dev.spamgpt.mailet.james;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The third run of {@link FeedbackLatency}: the feedback listener on, with a folder store. */
class FeedbackLatency3OnBench extends FeedbackLatency {

    @TempDir Path tmp;

    @Test
    void measureWithTheListener() throws Exception {
        run(tmp, RUNS.get(2));
    }
}
