package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;

import java.nio.file.Path;

/** Opens the model of a bundle; tests put a scorer of their own in its place. */
interface ScorerFactory {

    /**
     * Opens a bundle.
     *
     * @param bundle the bundle folder
     * @param maxBatchSize the most texts per forward pass
     * @param maxTokens the most tokens per text; 0 = the bundle's max length
     * @return the scorer, thread-safe
     * @throws RuntimeException with a clear message when the bundle cannot be used
     */
    SpamScorer open(Path bundle, int maxBatchSize, int maxTokens);

    /** The real classifier, loaded with this jar's class loader as the context class loader. */
    ScorerFactory CLASSIFIER = (bundle, maxBatchSize, maxTokens) -> {
        // James loads extension jars through a child class loader; DJL looks for its engine and
        // native libraries through the context class loader, which must be ours while it starts.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ScorerFactory.class.getClassLoader());
        try {
            return SpamClassifier.open(bundle, ClassifierOptions.defaults()
                    .withMaxBatchSize(maxBatchSize)
                    .withMaxTokens(maxTokens));
        } finally {
            thread.setContextClassLoader(previous);
        }
    };
}
