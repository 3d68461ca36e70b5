package dev.spamgpt.streams;

import java.nio.file.Path;

import dev.spamgpt.core.inference.SpamScorer;

/** Opens the model bundle. */
final class ModelLoader {

    private ModelLoader() {
    }

    static SpamScorer open(Path bundle, int batchSize) {
        // TEMPORARY until SpamClassifier lands on main.
        throw new IllegalStateException("SpamClassifier not available yet");
    }
}
