package dev.spamgpt.core.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.util.Djl;
import java.util.Arrays;
import java.util.Locale;

/**
 * Milliseconds per forward pass of the classifier for a few batch shapes, with no tokenizer,
 * packing or Kafka around it: what the model itself costs one text at a time against several texts
 * at once. The baseline of the ratios is the first shape, one text of SMS length. Not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl core test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * OMP_WAIT_POLICY=PASSIVE java -Dai.djl.pytorch.num_threads=2 \
 *     -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
 *     -cp core/target/test-classes:core/target/classes:$(cat core/target/test.classpath) \
 *     dev.spamgpt.core.bench.ForwardPassBench [gpt2-small|tiny] [repetitions]
 * </pre>
 */
public final class ForwardPassBench {

    /** (texts, tokens per text): one SMS alone, then passes of several SMS-length texts. */
    private static final int[][] SHAPES = {{1, 21}, {4, 21}, {16, 21}, {16, 32}, {24, 21}};

    private ForwardPassBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args model preset (default gpt2-small), repetitions per shape (10)
     */
    public static void main(String[] args) {
        String preset = args.length > 0 ? args[0] : "gpt2-small";
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        GptConfig config = GptConfig.preset(preset);
        Djl.noGradOnThisThread();
        try (NDManager manager = Djl.engine().newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(config, manager);
            System.out.printf(
                    Locale.ROOT,
                    "%s, median of %d passes per shape, %s threads%n",
                    config,
                    repetitions,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            double baseline = 0;
            for (int[] shape : SHAPES) {
                int texts = shape[0];
                int tokens = shape[1];
                double[] ms = new double[repetitions];
                for (int r = -2; r < repetitions; r++) { // two passes to warm up
                    try (NDManager pass = manager.newSubManager()) {
                        long t0 = System.nanoTime();
                        model.forward(
                                        pass.randomInteger(
                                                0,
                                                config.vocabSize(),
                                                new Shape(texts, tokens),
                                                DataType.INT64),
                                        pass.full(new Shape(texts), tokens - 1, DataType.INT64),
                                        false)
                                .toFloatArray();
                        if (r >= 0) {
                            ms[r] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                Arrays.sort(ms);
                double perText = ms[repetitions / 2] / texts;
                if (baseline == 0) {
                    baseline = perText;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%2d texts x %2d tokens: %8.1f ms per pass, %6.1f ms per text, %.2fx%n",
                        texts,
                        tokens,
                        ms[repetitions / 2],
                        perText,
                        baseline / perText);
            }
        }
    }
}
