package dev.spamgpt.streams.config;

import dev.spamgpt.core.inference.ClassifierOptions;
import picocli.CommandLine.Option;

/**
 * The classifier's command-line options, a picocli Mixin shared by the filter and the benchmarks
 * ({@code @Mixin InferenceFlags inference}), so that all of them name, describe and check these
 * settings the same way. The values become {@link ClassifierOptions}, which checks them; a bad
 * value is reported under its flag. {@code --inference-threads} is not a classifier setting but the
 * PyTorch engine's: {@link #applyEngineThreads()} passes it on.
 */
public final class InferenceFlags {

    /** The system property DJL reads once, when the PyTorch engine starts. */
    static final String ENGINE_THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    @Option(
            names = "--forward-batch-size",
            paramLabel = "N",
            defaultValue = "" + ClassifierOptions.DEFAULT_MAX_BATCH_SIZE,
            description =
                    "Texts per forward pass inside one classifier call; the classifier sorts a"
                            + " call's texts by token length and runs them in passes of this size."
                            + " Default: ${DEFAULT-VALUE}.")
    int forwardBatchSize;

    @Option(
            names = "--token-budget",
            paramLabel = "N",
            defaultValue = "" + ClassifierOptions.DEFAULT_TOKEN_BUDGET,
            description =
                    "Tokens per forward pass at most: a pass ends early rather than exceed it."
                            + " Default: ${DEFAULT-VALUE}.")
    int tokenBudget;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Tokens per text the model reads; longer texts are cut (the start is kept). 0"
                            + " is the bundle's max length, the --max-tokens it was trained with."
                            + " Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(
            names = "--threshold",
            paramLabel = "P",
            description = "Spam threshold in [0, 1] instead of the bundle's.")
    Float threshold;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            defaultValue = ClassifierOptions.DEFAULT_DEVICE,
            description =
                    "auto (a GPU when PyTorch sees one), cpu or gpu. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(
            names = "--inference-threads",
            paramLabel = "N",
            description =
                    "PyTorch intra-op threads, shared by all stream threads ("
                            + ENGINE_THREADS_PROPERTY
                            + ")."
                            + " Default: PyTorch's choice.")
    Integer inferenceThreads;

    /**
     * Checks the options.
     *
     * @return the classifier's options
     * @throws IllegalArgumentException naming the flag whose value is out of range
     */
    public ClassifierOptions classifierOptions() {
        Integer threads = inferenceThreads;
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException(
                    "--inference-threads must be at least 1, got " + threads);
        }
        try {
            return ClassifierOptions.builder()
                    .maxBatchSize(forwardBatchSize)
                    .tokenBudget(tokenBudget)
                    .maxTokens(maxTokens)
                    .threshold(threshold)
                    .device(device)
                    .build();
        } catch (ClassifierOptions.InvalidOptionException e) {
            throw new IllegalArgumentException(flag(e.setting()) + " " + e.problem(), e);
        }
    }

    /**
     * Sets the PyTorch thread count, if {@code --inference-threads} was given. DJL reads it once,
     * when the engine starts: call this before the model is opened.
     */
    public void applyEngineThreads() {
        if (inferenceThreads != null) {
            System.setProperty(ENGINE_THREADS_PROPERTY, inferenceThreads.toString());
        }
    }

    private static String flag(ClassifierOptions.Setting setting) {
        return switch (setting) {
            case MAX_BATCH_SIZE -> "--forward-batch-size";
            case TOKEN_BUDGET -> "--token-budget";
            case MAX_TOKENS -> "--max-tokens";
            case THRESHOLD -> "--threshold";
        };
    }
}
