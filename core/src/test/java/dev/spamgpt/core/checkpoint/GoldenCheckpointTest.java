package dev.spamgpt.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spamgpt.core.model.ClassificationHead;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.LmHead;
import dev.spamgpt.core.testing.GoldenFixture;
import dev.spamgpt.core.util.Djl;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java GPT-2 against PyTorch: the fixture under {@code src/test/resources/golden/} was written
 * by {@code make_golden.py}, an independent reference model. Both key layouts are covered: the
 * fixture as written (GPT2LMHeadModel: {@code transformer.} prefix, tied {@code lm_head.weight},
 * mask buffers) and a rewrite with bare keys and no head (GPT2Model, like {@code
 * openai-community/gpt2}'s own safetensors file). Greedy continuation against PyTorch is the
 * trainer's TextGeneratorTest, where the generator lives.
 */
class GoldenCheckpointTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir static Path tmp;

    private static NDManager manager;
    private static Map<String, Gpt2Model> models;
    private static double worst;

    @BeforeAll
    static void loadBothLayouts() throws IOException {
        manager = NDManager.newBaseManager();
        Djl.noGradOnThisThread();
        models = GoldenFixture.loadBothLayouts(tmp, manager);
    }

    @AfterAll
    static void close() {
        System.out.printf(
                Locale.ROOT,
                "golden logits: largest |Java - PyTorch| = %.2e (tolerance %.0e)%n",
                worst,
                TOLERANCE);
        manager.close();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.spamgpt.core.testing.GoldenFixture#layoutsAndCases")
    void logitsShouldMatchPyTorchAtEveryPosition(String layout, GoldenFixture.Case c) {
        Gpt2Model model = models.get(layout);
        int vocab = model.config().vocabSize();
        int[] ids = c.inputIds();
        float[] all = logits(model, ids); // (T * V)

        float[][] expected = c.logits();
        int[] columns = c.columns();
        float[] lse = c.logsumexp();
        int[] argmax = c.argmax();
        assertThat(expected).hasNumberOfRows(ids.length);
        for (int t = 0; t < ids.length; t++) {
            for (int k = 0; k < columns.length; k++) {
                assertClose(
                        all[t * vocab + columns[k]],
                        expected[t][k],
                        c + " t=" + t + " id=" + columns[k]);
            }
            assertClose(logSumExp(all, t * vocab, vocab), lse[t], c + " logsumexp t=" + t);
            assertThat(argmax(all, t * vocab, vocab)).as(c + " argmax t=" + t).isEqualTo(argmax[t]);
        }
    }

    @Test
    void lastPositionShouldMatchPyTorchOverTheWholeVocabulary() throws IOException {
        try (Safetensors rows =
                Safetensors.open(GoldenFixture.copyLastRows(tmp.resolve("rows.safetensors")))) {
            assertThat(rows.tensors()).hasSize(2);
            for (Gpt2Model model : models.values()) {
                for (Safetensors.TensorInfo info : rows.tensors().values()) {
                    int[] ids = GoldenFixture.get(info.name()).inputIds();
                    float[] expected = rows.readFloats(info);
                    float[] all = logits(model, ids);
                    int offset = (ids.length - 1) * model.config().vocabSize();
                    assertThat(expected).hasSize(model.config().vocabSize());
                    for (int v = 0; v < expected.length; v++) {
                        assertClose(all[offset + v], expected[v], info.name() + " id=" + v);
                    }
                }
            }
        }
    }

    @Test
    void classificationHeadShouldReadEachRowAtItsOwnIndex() {
        JsonNode golden = GoldenFixture.golden().get("classification");
        Gpt2Model model = models.get(GoldenFixture.PREFIXED);
        int c = model.config().embDim();
        ClassificationHead head = new ClassificationHead(c, Gpt2ForClassification.NUM_CLASSES);
        head.initialize(manager, DataType.FLOAT32, new Shape(1, c));
        head.weight().getArray().set(FloatBuffer.wrap(flatten(golden.get("score_weight"))));
        head.bias().getArray().set(FloatBuffer.wrap(flatten(golden.get("score_bias"))));
        Gpt2ForClassification classifier = new Gpt2ForClassification(model, head);

        try (NDManager request = manager.newSubManager()) {
            long[][] ids = longs(golden.get("input_ids"));
            long[] lastIndex = longs(golden.get("last_index"))[0];
            NDArray logits =
                    classifier.forward(request.create(ids), request.create(lastIndex), false);

            assertThat(logits.getShape()).isEqualTo(new Shape(2, 2));
            float[] actual = logits.toFloatArray();
            float[] expected = flatten(golden.get("logits"));
            for (int i = 0; i < expected.length; i++) {
                assertClose(actual[i], expected[i], "classification logit " + i);
            }
        }
    }

    @Test
    void poolShouldPickTheHiddenStateAtEachRowsIndex() {
        try (NDManager request = manager.newSubManager()) {
            // hidden[b, t, c] = 100 b + 10 t + c, so every picked value says where it came from.
            float[] values = new float[3 * 4 * 2];
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < 4; t++) {
                    for (int ch = 0; ch < 2; ch++) {
                        values[(b * 4 + t) * 2 + ch] = 100 * b + 10 * t + ch;
                    }
                }
            }
            NDArray hidden = request.create(values, new Shape(3, 4, 2));

            NDArray pooled =
                    Gpt2ForClassification.pool(hidden, request.create(new long[] {3, 0, 2}));

            assertThat(pooled.getShape()).isEqualTo(new Shape(3, 2));
            assertThat(pooled.toFloatArray()).containsExactly(30, 31, 100, 101, 220, 221);
        }
    }

    private static float[] logits(Gpt2Model model, int[] ids) {
        try (NDManager request = manager.newSubManager()) {
            long[] longs = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                longs[i] = ids[i];
            }
            NDArray hidden = model.forward(request.create(longs).reshape(1, ids.length), false);
            return new LmHead(model).forward(hidden).toFloatArray();
        }
    }

    private static void assertClose(double actual, double expected, String what) {
        double diff = Math.abs(actual - expected);
        worst = Math.max(worst, diff);
        if (diff <= TOLERANCE) {
            return; // AssertJ per value is slow over 50,257 columns
        }
        assertThat(diff)
                .as("%s: Java %s, PyTorch %s", what, actual, expected)
                .isLessThanOrEqualTo(TOLERANCE);
    }

    private static double logSumExp(float[] values, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            max = Math.max(max, values[i]);
        }
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += Math.exp(values[i] - max);
        }
        return max + Math.log(sum);
    }

    private static int argmax(float[] values, int from, int n) {
        int best = from;
        for (int i = from + 1; i < from + n; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best - from;
    }

    private static float[] flatten(JsonNode node) {
        if (!node.isArray()) {
            return new float[] {(float) node.asDouble()};
        }
        java.util.List<Float> out = new java.util.ArrayList<>();
        node.forEach(
                child -> {
                    for (float f : flatten(child)) {
                        out.add(f);
                    }
                });
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static long[][] longs(JsonNode node) {
        if (!node.get(0).isArray()) {
            long[] row = new long[node.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = node.get(i).asLong();
            }
            return new long[][] {row};
        }
        long[][] out = new long[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs(node.get(i))[0];
        }
        return out;
    }
}
