package dev.spamgpt.trainer.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Tests that score with one {@link TrainedBundle}, trained once for their class. */
abstract class WithTrainedBundle {

    @TempDir static Path shared;

    @TempDir Path dir;

    static TrainedBundle trained;

    @BeforeAll
    static void train() throws IOException {
        trained = TrainedBundle.train(shared);
    }
}
