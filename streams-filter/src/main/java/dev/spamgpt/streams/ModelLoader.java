package dev.spamgpt.streams;

import java.nio.file.Path;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;

/** Opens the model bundle with the filter's inference settings. */
final class ModelLoader {

    private ModelLoader() {
    }

    /**
     * Opens a bundle.
     *
     * @param bundle the bundle folder
     * @param forwardBatchSize texts per forward pass
     * @param tokenBudget tokens per forward pass at most
     * @param maxTokens tokens kept per text, 0 for the bundle's max length
     * @param threshold decision threshold, or null for the bundle's
     * @param device auto, cpu or gpu
     * @return the classifier
     * @throws dev.spamgpt.core.bundle.BundleException when the bundle cannot be loaded
     */
    static SpamClassifier open(Path bundle, int forwardBatchSize, int tokenBudget, int maxTokens, Float threshold,
            String device) {
        return SpamClassifier.open(bundle, ClassifierOptions.defaults()
                .withMaxBatchSize(forwardBatchSize)
                .withTokenBudget(tokenBudget)
                .withMaxTokens(maxTokens)
                .withThreshold(threshold)
                .withDevice(device));
    }
}
