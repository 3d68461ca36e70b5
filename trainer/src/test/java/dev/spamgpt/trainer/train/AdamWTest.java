package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static final float[] START = {0.5f, -1.25f, 2f, 0f, -0.01f, 3f};
    // A different gradient at each step: loss_t = sum(c_t * w), so grad = c_t.
    private static final float[][] GRADS = {
        {0.1f, -0.2f, 0.3f, 1e-6f, -5f, 0f},
        {-0.4f, 0.5f, 0.01f, 2f, 0.3f, 1f},
        {0.2f, 0.2f, -0.7f, -1f, 0.05f, -3f},
    };

    @Test
    void stepShouldMatchPyTorchAdamWFormulaWithDecoupledDecayAndBiasCorrection() {
        double lr = 0.01;
        double wd = 0.1;
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = parameter(manager, "w", START);
            Parameter frozen = parameter(manager, "frozen", START);
            frozen.freeze(true);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", w);
            try (AdamW adamW = new AdamW(params, lr, wd)) {
                double[] ref = new double[START.length];
                double[] m = new double[START.length];
                double[] v = new double[START.length];
                for (int i = 0; i < START.length; i++) {
                    ref[i] = START[i];
                }
                for (int t = 1; t <= GRADS.length; t++) {
                    backward(manager, w, frozen, GRADS[t - 1]);
                    adamW.step();
                    for (int i = 0; i < ref.length; i++) {
                        double g = GRADS[t - 1][i];
                        ref[i] *= 1 - lr * wd;
                        m[i] = 0.9 * m[i] + 0.1 * g;
                        v[i] = 0.999 * v[i] + 0.001 * g * g;
                        double mHat = m[i] / (1 - Math.pow(0.9, t));
                        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                        ref[i] -= lr * mHat / denom;
                    }
                    float[] got = w.getArray().toFloatArray();
                    for (int i = 0; i < ref.length; i++) {
                        assertThat((double) got[i])
                                .as("step %d weight %d", t, i)
                                .isCloseTo(ref[i], within(2e-6));
                    }
                    // the gradient is cleared after the update, as optimizer.zero_grad() would
                    assertThat(w.getArray().getGradient().abs().sum().getFloat()).isZero();
                }
                assertThat(adamW.steps()).isEqualTo(GRADS.length);
            }
            assertThat(frozen.getArray().toFloatArray()).containsExactly(START);
        }
    }

    @Test
    void firstStepShouldMoveEachWeightByAboutTheLearningRate() {
        // With bias correction, m/sqrt(v) = g/|g| on step 1: Adam's signature.
        try (NDManager manager = NDManager.newBaseManager()) {
            Parameter w = parameter(manager, "w", START);
            Map<String, Parameter> params = Map.of("w", w);
            try (AdamW adamW = new AdamW(params, 0.001, 0)) {
                backward(manager, w, null, new float[] {3f, -0.002f, 50f, -7f, 1e-3f, -1f});
                adamW.step();
            }
            float[] got = w.getArray().toFloatArray();
            float[] expected = {0.499f, -1.249f, 1.999f, 0.001f, -0.011f, 3.001f};
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isCloseTo(expected[i], within(1e-6f));
            }
        }
    }

    private static Parameter parameter(NDManager manager, String name, float[] values) {
        Parameter p =
                Parameter.builder()
                        .setName(name)
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(values.length))
                        .optInitializer(Initializer.ZEROS)
                        .build();
        p.setInitializer((m, shape, type) -> m.create(values));
        p.initialize(manager, DataType.FLOAT32);
        return p;
    }

    private static void backward(NDManager manager, Parameter w, Parameter frozen, float[] grad) {
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray c = scope.create(grad);
            NDArray loss = c.mul(w.getArray()).sum();
            if (frozen != null) {
                loss = loss.add(c.mul(frozen.getArray()).sum());
            }
            collector.backward(loss);
        }
    }
}
