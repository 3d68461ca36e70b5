package dev.spamgpt.trainer.cli;

import dev.spamgpt.trainer.train.SyntheticSms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A bundle trained once through the CLI (tiny preset, synthetic data), for evaluate and classify
 * tests.
 */
final class TrainedBundle {

    final Path data;
    final Path run;
    final Path bundle;

    private TrainedBundle(Path data, Path run) {
        this.data = data;
        this.run = run;
        this.bundle = run.resolve("bundle");
    }

    static TrainedBundle train(Path dir) throws IOException {
        Path data = SyntheticSms.writeSplits(dir.resolve("data"), 96, 21);
        Path run = dir.resolve("run");
        CliRun result = CliRun.trainTiny(data, run, "--epochs", "2", "--eval-freq", "100");
        if (result.code != 0) {
            throw new IllegalStateException("training the test bundle failed: " + result);
        }
        return new TrainedBundle(data, run);
    }

    /** A copy of the bundle that a test may change. */
    Path copy(Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(bundle)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
