package dev.spamgpt.core.testing;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.spamgpt.core.bundle.BundleManifest;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes valid model bundles with random weights, for tests of everything that loads a bundle. The
 * weights come from a seeded {@link Random}, so a bundle is the same on every machine and no engine
 * is needed to write it.
 */
public final class TinyBundles {

    /**
     * A small GPT-2 with the full vocabulary: a bundle of about 3 MB that scores in microseconds.
     */
    public static final GptConfig TINY =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 64, 16, 2, 2, 1e-5f, 0f);

    private TinyBundles() {}

    /**
     * Writes a {@link #TINY} bundle with threshold 0.5.
     *
     * @param dir the folder to write
     * @param seed the weights' seed
     * @return {@code dir}
     */
    public static Path randomBundle(Path dir, long seed) {
        return randomBundle(dir, TINY, seed, 0.5f);
    }

    /**
     * Writes a bundle of any size with random weights: normal(0, 0.02) in the transformer,
     * LayerNorms at identity, and a wider head (normal(0, 1)) so that scores spread over (0, 1).
     *
     * @param dir the folder to write
     * @param config the architecture, such as {@code GptConfig.preset("gpt2-small")}
     * @param seed the weights' seed
     * @param threshold the bundle's decision threshold
     * @return {@code dir}
     */
    public static Path randomBundle(Path dir, GptConfig config, long seed, float threshold) {
        // An uninitialised model only to learn the names and shapes.
        Gpt2ForClassification shapes =
                new Gpt2ForClassification(
                        new Gpt2Model(config),
                        new ClassificationHead(config.embDim(), Gpt2ForClassification.NUM_CLASSES));
        Random random = new Random(seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, Shape> shapeOf = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : shapes.namedParameters().entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue().getShape();
            float[] values = new float[Math.toIntExact(shape.size())];
            Parameter.Type type = e.getValue().getType();
            if (type == Parameter.Type.GAMMA) {
                java.util.Arrays.fill(values, 1f);
            } else if (type == Parameter.Type.WEIGHT) {
                double std = name.startsWith("score.") ? 1.0 : 0.02;
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            weights.put(name, values);
            shapeOf.put(name, shape);
        }
        BundleManifest manifest =
                new BundleManifest()
                        .id("tiny-random")
                        .version("seed" + seed)
                        .createdAt("2026-01-01T00:00:00Z")
                        .maxLength(config.contextLength())
                        .threshold(threshold)
                        .baseModel("random:" + config, null);
        try {
            ModelBundle.write(dir, config, weights, shapeOf, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
