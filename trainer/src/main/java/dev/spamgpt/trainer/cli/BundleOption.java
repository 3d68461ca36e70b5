package dev.spamgpt.trainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The bundle a command reads, shared by the commands that score with a trained model. */
final class BundleOption {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "BUNDLE",
            description = "The bundle folder.")
    Path model;

    /**
     * @return the bundle folder as given
     */
    Path folder() {
        return model;
    }
}
