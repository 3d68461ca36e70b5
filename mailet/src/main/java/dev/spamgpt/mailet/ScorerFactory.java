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
     * @param options texts per forward pass, tokens per text, the threshold override; checked
     * @return the scorer, thread-safe, with the options' threshold and max tokens
     * @throws RuntimeException with a clear message when the bundle cannot be used
     */
    SpamScorer open(Path bundle, ClassifierOptions options);

    /** The real classifier, loaded with this jar's class loader as the context class loader. */
    ScorerFactory CLASSIFIER =
            (bundle, options) -> {
                // James loads extension jars through a child class loader; DJL looks for its engine
                // and
                // native libraries through the context class loader, which must be ours while it
                // starts.
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(ScorerFactory.class.getClassLoader());
                try {
                    return SpamClassifier.open(bundle, options);
                } finally {
                    thread.setContextClassLoader(previous);
                }
            };
}
