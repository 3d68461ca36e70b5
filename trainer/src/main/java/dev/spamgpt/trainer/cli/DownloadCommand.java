package dev.spamgpt.trainer.cli;

import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Fetches a base model into the cache ahead of time, so that later commands run offline. */
@Command(
        name = "download",
        mixinStandardHelpOptions = true,
        header = "Fetch a base model from the Hugging Face hub into the cache.",
        description =
                "Downloads config.json and model.safetensors of --base-model (resuming a partial"
                        + " download, reusing complete files), checks that they form a GPT-2"
                        + " checkpoint, and prints the folder, then the sha256 of the weights in"
                        + " sha256sum format. A folder given as --base-model is only checked.")
final class DownloadCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin BaseModelOptions base;

    @Override
    public Integer call() throws IOException {
        Path folder = base.resolve();
        GptConfig config;
        try {
            config = HfCheckpoint.verify(folder);
        } catch (IOException e) {
            throw new CliException(
                    SpamGptCli.EXIT_FAILURE,
                    "the files in "
                            + folder
                            + " are not a usable GPT-2 checkpoint: "
                            + e.getMessage(),
                    e);
        }
        Path weights = folder.resolve(HfCheckpoint.WEIGHTS);
        PrintWriter out = spec.commandLine().getOut();
        spec.commandLine().getErr().println(base.baseModel() + ": " + config);
        out.println(folder.toAbsolutePath());
        out.println(Sha256.ofFile(weights) + "  " + weights.toAbsolutePath());
        out.flush();
        return SpamGptCli.EXIT_OK;
    }
}
