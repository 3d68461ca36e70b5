package dev.spamgpt.mailet.james;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fourth run of {@link FeedbackLatency}: the listener off again, for the run-to-run spread. */
class FeedbackLatency4OffBench extends FeedbackLatency {

    @TempDir Path tmp;

    @Test
    void measureWithoutTheListenerAgain() throws Exception {
        run(tmp, RUNS.get(3));
    }
}
