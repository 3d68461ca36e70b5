package dev.spamgpt.core.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Load time of a GPT-2 124M-shaped checkpoint (random weights), run by hand, not by surefire:
 *
 * <pre>
 * ./mvnw -B -q -o -pl core test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx6g -cp core/target/test-classes:core/target/classes:$(cat /tmp/cp.txt) \
 *     dev.spamgpt.core.checkpoint.HfCheckpointLoadBench [folder] [F32|F16|BF16]
 * </pre>
 *
 * <p>It writes the checkpoint once (GPT2LMHeadModel layout: prefix, tied lm_head, mask buffers),
 * then times, in the same run: reading every tensor into Java arrays (the floor), random
 * initialisation followed by a copy into the arrays (the obvious way around DJL's {@code
 * setArray}), and {@link HfCheckpoint#load}. It prints the median of 5 runs of each.
 */
public final class HfCheckpointLoadBench {

    private HfCheckpointLoadBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args optional folder (default /tmp/spamgpt-bench-124m) and dtype (default F32)
     * @throws IOException if the checkpoint cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        Path folder = Paths.get(args.length > 0 ? args[0] : "/tmp/spamgpt-bench-124m");
        String dtype = args.length > 1 ? args[1] : "F32";
        GptConfig config = GptConfig.preset("gpt2-small");
        if (!Files.exists(folder.resolve(HfCheckpoint.WEIGHTS))) {
            long t0 = System.nanoTime();
            TinyCheckpoints.write(
                    folder,
                    TinyCheckpoints.options()
                            .config(config)
                            .dtype(dtype)
                            .prefix(true)
                            .lmHead(true)
                            .maskBuffers(true));
            System.out.printf(
                    Locale.ROOT,
                    "wrote %s (%d MB) in %.1f s%n",
                    folder,
                    Files.size(folder.resolve(HfCheckpoint.WEIGHTS)) >> 20,
                    (System.nanoTime() - t0) / 1e9);
        }
        double floor =
                median(
                        () -> {
                            try (Safetensors st =
                                    Safetensors.open(folder.resolve(HfCheckpoint.WEIGHTS))) {
                                long sum = 0;
                                for (Safetensors.TensorInfo info : st.tensors().values()) {
                                    if (!info.name().contains("attn.bias")
                                            && !info.name().contains("masked_bias")) {
                                        sum += st.readFloats(info).length;
                                    }
                                }
                                return sum;
                            }
                        });
        double copy =
                median(
                        () -> {
                            try (NDManager m = NDManager.newBaseManager();
                                    Safetensors st =
                                            Safetensors.open(
                                                    folder.resolve(HfCheckpoint.WEIGHTS))) {
                                Gpt2Model model = new Gpt2Model(config);
                                model.initialize(m, DataType.FLOAT32, new Shape(1, 1));
                                // Baseline: a random pass, then each tensor copied over it.
                                for (Map.Entry<String, Parameter> e :
                                        model.namedParameters().entrySet()) {
                                    Safetensors.TensorInfo info =
                                            st.tensors().get("transformer." + e.getKey());
                                    e.getValue()
                                            .getArray()
                                            .set(FloatBuffer.wrap(st.readFloats(info)));
                                }
                                return model.namedParameters().size();
                            }
                        });
        double load =
                median(
                        () -> {
                            try (NDManager m = NDManager.newBaseManager()) {
                                return HfCheckpoint.load(folder, m).namedParameters().size();
                            }
                        });
        System.out.printf(
                Locale.ROOT,
                "GPT-2 124M %s, median of 5: read all tensors %.2f s, random init + copy %.2f s,"
                    + " HfCheckpoint.load %.2f s (%.2fx the copy route, %.2fx the read floor)%n",
                dtype,
                floor,
                copy,
                load,
                load / copy,
                load / floor);
    }

    private interface Run {
        long run() throws IOException;
    }

    private static double median(Run run) throws IOException {
        double[] times = new double[5];
        run.run(); // warm-up
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            run.run();
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
