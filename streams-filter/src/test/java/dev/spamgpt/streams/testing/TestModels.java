package dev.spamgpt.streams.testing;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.testing.TinyBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Real classifiers on small random-weight bundles. A random model has no idea what spam is, so
 * tests never assume a label: they compare the filter's routing with what the classifier itself
 * says for each text. To get both labels, {@link #splitting} puts the threshold between the two
 * middle scores of the texts a test uses, so about half are spam and none sits on the threshold.
 */
public final class TestModels {

    private TestModels() {}

    /**
     * Writes a tiny random bundle (threshold 0.5).
     *
     * @param dir parent folder
     * @param seed weights seed
     * @return the bundle folder
     */
    public static Path tinyBundle(Path dir, long seed) {
        try {
            return TinyBundles.randomBundle(
                    Files.createDirectories(dir.resolve("tiny-" + seed)), seed);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Opens a bundle with the threshold between the middle scores of some texts.
     *
     * @param bundle the bundle
     * @param texts the texts the test will send
     * @return a classifier that calls about half of them spam
     */
    public static SpamClassifier splitting(Path bundle, List<String> texts) {
        float threshold;
        try (SpamClassifier probe = SpamClassifier.open(bundle)) {
            float[] scores = probe.spamProbabilities(texts);
            float[] sorted = scores.clone();
            Arrays.sort(sorted);
            int mid = sorted.length / 2;
            threshold = (sorted[mid - 1] + sorted[mid]) / 2f;
            if (!(sorted[mid] - sorted[mid - 1] > 1e-4f)) {
                throw new IllegalStateException(
                        "middle scores too close to split: " + Arrays.toString(sorted));
            }
        }
        return SpamClassifier.open(bundle, ClassifierOptions.defaults().withThreshold(threshold));
    }
}
