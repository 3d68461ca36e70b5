package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression test: a garbage collection between forward and backward must not change the
 * gradients. DJL turns {@code x.mul(0.5f)} into a tensor over a direct buffer that it frees as
 * soon as the Java object is collected, while autograd still holds it for backward; the model
 * code must keep such operands alive (it once read freed memory and trained into NaN).
 */
class GradientSafetyTest {

    private static final GptConfig CONFIG = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 2, 2, 1e-5f, 0f);

    @Test
    void gradientsShouldNotDependOnAGarbageCollectionBeforeBackward() {
        Map<String, float[]> calm = gradients(false);
        Map<String, float[]> collected = gradients(true);
        assertThat(collected.keySet()).containsExactlyElementsOf(calm.keySet());
        calm.forEach((name, grad) -> {
            float[] other = collected.get(name);
            int finite = 0;
            double maxDiff = 0;
            for (int i = 0; i < grad.length; i++) {
                finite += Float.isFinite(grad[i]) && Float.isFinite(other[i]) ? 1 : 0;
                maxDiff = Math.max(maxDiff, Math.abs(grad[i] - other[i]));
            }
            assertThat(finite).as("finite gradients of %s", name).isEqualTo(grad.length);
            assertThat(maxDiff).as("largest change of a gradient of %s", name).isZero();
        });
    }

    private static Map<String, float[]> gradients(boolean collectGarbage) {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(CONFIG, manager);
            Map<String, Parameter> params = TrainableLayers.EVERYTHING.apply(model);
            List<Example> batch = Example.tokenize(SyntheticSms.messages(8, 3), 32);
            ClassifierPass pass = new ClassifierPass(model, Pooling.LAST_TOKEN, 0, 0);
            ClassifierPass.Split split = new ClassifierPass.Split("t", batch, null);
            int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
            Map<String, float[]> out = new LinkedHashMap<>();
            try (NDManager scope = manager.newSubManager()) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = ClassifierPass.crossEntropy(pass.logits(split, idx, scope, false),
                            ClassifierPass.labels(split, idx, scope));
                    if (collectGarbage) {
                        churnDirectMemory();
                    }
                    collector.backward(loss);
                }
                params.forEach((name, p) -> {
                    NDArray g = p.getArray().getGradient();
                    g.attach(scope);
                    out.put(name, g.toFloatArray());
                });
            }
            return out;
        }
    }

    /** Frees unreachable direct buffers and reuses their memory with NaN bytes. */
    private static void churnDirectMemory() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int i = 0; i < 256; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(16);
                for (int j = 0; j < 4; j++) {
                    b.putFloat(j * 4, Float.NaN);
                }
            }
        }
    }
}
