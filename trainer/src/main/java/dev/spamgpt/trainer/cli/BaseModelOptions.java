package dev.spamgpt.trainer.cli;

import dev.spamgpt.trainer.download.HttpDownload;
import dev.spamgpt.trainer.download.HubDownloader;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the base GPT-2 comes from, shared by the commands that start from it: a local Hugging Face
 * folder, or a hub id downloaded once into a cache and reused afterwards.
 */
public final class BaseModelOptions {

    @Option(
            names = "--base-model",
            paramLabel = "FOLDER|HUB_ID",
            defaultValue = HubDownloader.DEFAULT_MODEL,
            description =
                    "A folder with config.json and model.safetensors, or a Hugging Face hub id"
                            + " downloaded once into the cache (default: ${DEFAULT-VALUE}).")
    String baseModel;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            defaultValue = "${sys:user.home}/.cache/spamgpt",
            description =
                    "SpamGPT's download cache; models go to DIR/models/<owner--name>"
                            + " (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Option(
            names = "--hub-url",
            paramLabel = "URL",
            description =
                    "Base URL of the model hub or a mirror (default: system property"
                            + " spamgpt.hub.url, else $HF_ENDPOINT, else https://huggingface.co).")
    String hubUrl;

    /**
     * @return the {@code --base-model} argument as given
     */
    public String baseModel() {
        return baseModel;
    }

    /**
     * @return the downloader these options describe
     */
    public HubDownloader hub() {
        return new HubDownloader(
                hubUrl != null ? hubUrl : HubDownloader.defaultHubUrl(),
                cacheDir.resolve("models"),
                HttpDownload.create());
    }

    /**
     * Resolves the base model to a local folder, downloading it when it is a hub id not cached yet.
     *
     * @return the folder holding config.json and model.safetensors
     * @throws CliException with the downloader's advice when the model cannot be found or fetched
     */
    public Path resolve() {
        try {
            return hub().resolve(baseModel);
        } catch (IllegalArgumentException e) {
            throw new CliException(SpamGptCli.EXIT_USAGE, e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
    }
}
