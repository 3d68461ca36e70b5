package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Regression test for the scalar pitfall: DJL turns {@code x.mul(0.5f)} into a tensor over a direct
 * buffer and closes that tensor right after the op, while autograd still reads the buffer in
 * backward; once the buffer is collected, backward reads freed memory (it once trained into NaN).
 * The model code must keep such operands alive until backward.
 *
 * <p>Waiting for a garbage collection to free the buffer, and for the allocator to hand its memory
 * out again, proves nothing when it does not happen. So the test does what a collection would do,
 * every time: it keeps the buffer of every array that is closed between forward and backward and
 * overwrites it with NaN before backward. A kept-alive operand is never closed, so its gradients
 * stay the same; a closed one turns them into NaN.
 */
class GradientSafetyTest {

    private static final GptConfig CONFIG =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 2, 2, 1e-5f, 0f);

    @Test
    void gradientsShouldNotDependOnTheMemoryOfOperandsClosedBeforeBackward() {
        Map<String, float[]> calm = gradients(false);
        Map<String, float[]> poisoned = gradients(true);
        assertSameGradients(calm, poisoned);
    }

    /**
     * The check itself must catch the pitfall: an operand DJL closes at once, as x.mul(0.5f) does.
     */
    @Test
    void poisoningShouldChangeTheGradientOfAClosedScalarOperand() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] calm = scalarGradient(manager, false);
            float[] poisoned = scalarGradient(manager, true);
            assertThat(calm).containsOnly(0.5f);
            assertThat(poisoned)
                    .as("gradient of x.mul(0.5f) after its scalar's buffer was overwritten")
                    .doesNotContain(0.5f);
        }
    }

    private static float[] scalarGradient(NDManager manager, boolean poison) {
        try (NDManager scope = manager.newSubManager();
                ClosedBuffers closed = ClosedBuffers.watch(manager, scope)) {
            NDArray x = scope.randomNormal(new Shape(4, 3));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = x.mul(0.5f).sum();
                if (poison) {
                    assertThat(closed.poison()).as("buffers closed before backward").isPositive();
                }
                collector.backward(loss);
            }
            NDArray g = x.getGradient();
            g.attach(scope);
            return g.toFloatArray();
        }
    }

    private static void assertSameGradients(Map<String, float[]> calm, Map<String, float[]> other) {
        assertThat(other.keySet()).containsExactlyElementsOf(calm.keySet());
        calm.forEach(
                (name, grad) -> {
                    float[] changed = other.get(name);
                    int finite = 0;
                    double maxDiff = 0;
                    for (int i = 0; i < grad.length; i++) {
                        finite += Float.isFinite(grad[i]) && Float.isFinite(changed[i]) ? 1 : 0;
                        maxDiff = Math.max(maxDiff, Math.abs(grad[i] - changed[i]));
                    }
                    assertThat(finite).as("finite gradients of %s", name).isEqualTo(grad.length);
                    assertThat(maxDiff).as("largest change of a gradient of %s", name).isZero();
                });
    }

    private static Map<String, float[]> gradients(boolean poison) {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(CONFIG, manager);
            Map<String, Parameter> params = TrainableLayers.EVERYTHING.apply(model);
            List<Example> batch = Example.tokenize(SyntheticSms.messages(8, 3), 32);
            ClassifierPass pass = new ClassifierPass(model, Pooling.LAST_TOKEN, 0, 0);
            ClassifierPass.Split split = new ClassifierPass.Split("t", batch, null);
            int[] idx = {0, 1, 2, 3, 4, 5, 6, 7};
            Map<String, float[]> out = new LinkedHashMap<>();
            try (NDManager scope = manager.newSubManager();
                    ClosedBuffers closed = ClosedBuffers.watch(manager, scope)) {
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss =
                            ClassifierPass.crossEntropy(
                                    pass.logits(split, idx, scope, false),
                                    ClassifierPass.labels(split, idx, scope));
                    if (poison) {
                        closed.poison();
                    }
                    collector.backward(loss);
                }
                params.forEach(
                        (name, p) -> {
                            NDArray g = p.getArray().getGradient();
                            g.attach(scope);
                            out.put(name, g.toFloatArray());
                        });
            }
            return out;
        }
    }

    /**
     * Watches managers for arrays that are closed while they still own a Java buffer (DJL keeps the
     * buffer of an array made from Java data, and lets it go on close), and keeps those buffers so
     * that their memory can be overwritten on purpose. Reads two private DJL fields: if DJL renames
     * them, this fails loudly rather than checking nothing.
     */
    private static final class ClosedBuffers implements AutoCloseable {

        private final List<ByteBuffer> buffers = new ArrayList<>();
        private final Map<BaseNDManager, ConcurrentHashMap<String, AutoCloseable>> watched =
                new LinkedHashMap<>();

        static ClosedBuffers watch(NDManager... managers) {
            ClosedBuffers closed = new ClosedBuffers();
            for (NDManager m : managers) {
                BaseNDManager manager = (BaseNDManager) m;
                ConcurrentHashMap<String, AutoCloseable> original = readField(RESOURCES, manager);
                closed.watched.put(manager, original);
                writeField(RESOURCES, manager, closed.new Recording(original));
            }
            return closed;
        }

        /**
         * Fills every kept buffer with NaN, as reused memory would hold garbage.
         *
         * @return how many buffers were overwritten
         */
        synchronized int poison() {
            for (ByteBuffer b : buffers) {
                for (int i = 0; i < b.capacity(); i++) {
                    b.put(i, (byte) 0xff); // 0xffffffff is a NaN
                }
            }
            return buffers.size();
        }

        private synchronized void keep(AutoCloseable resource) {
            if (resource instanceof NDArray array && array.isReleased()) {
                ByteBuffer data = readField(dataRef(resource.getClass()), resource);
                if (data != null) {
                    buffers.add(data);
                }
            }
        }

        @Override
        public void close() {
            // the managers close on their own; give back what they hold in a plain map
            watched.forEach(
                    (manager, original) -> {
                        ConcurrentHashMap<String, AutoCloseable> current =
                                readField(RESOURCES, manager);
                        original.clear();
                        original.putAll(current);
                        writeField(RESOURCES, manager, original);
                    });
        }

        /** A manager's resource map that tells its owner about each array removed after close. */
        private final class Recording extends ConcurrentHashMap<String, AutoCloseable> {
            private static final long serialVersionUID = 1L;

            Recording(Map<String, AutoCloseable> content) {
                super(content);
            }

            @Override
            public AutoCloseable remove(Object key) {
                AutoCloseable resource = get(key);
                if (resource != null) {
                    keep(resource);
                }
                return super.remove(key);
            }
        }

        private static final Field RESOURCES = field(BaseNDManager.class, "resources");

        private static Field dataRef(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField("dataRef");
                    f.setAccessible(true);
                    return f;
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            throw new IllegalStateException(
                    type + " has no dataRef field: DJL changed; update this test");
        }

        private static Field field(Class<?> type, String name) {
            try {
                Field f = type.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(
                        type + " has no field " + name + ": DJL changed; update this test", e);
            }
        }

        @SuppressWarnings("unchecked")
        private static <T> T readField(Field f, Object owner) {
            try {
                return (T) f.get(owner);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void writeField(Field f, Object owner, Object value) {
            try {
                f.set(owner, value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
