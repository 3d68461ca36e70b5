package dev.spamgpt.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW} computes it (Loshchilov and Hutter's decoupled
 * weight decay, no AMSGrad), step t counted from 1:
 *
 * <pre>
 * w = w * (1 - lr * wd)
 * m = m + (1 - beta1) * (g - m)            // lerp, as PyTorch
 * v = beta2 * v + (1 - beta2) * g * g
 * w = w - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>Weight decay applies to every trainable weight, biases and LayerNorms included, as the book's
 * {@code AdamW(model.parameters(), lr=5e-5, weight_decay=0.1)} does. The update runs with grad mode
 * off and edits the weights and moments in place, as PyTorch's optimizers do; those arrays are
 * leaves, never intermediate results of the graph.
 */
public final class AdamW implements AutoCloseable {

    /** PyTorch's default first-moment decay. */
    public static final double BETA1 = 0.9;

    /** PyTorch's default second-moment decay. */
    public static final double BETA2 = 0.999;

    /** PyTorch's default epsilon. */
    public static final double EPS = 1e-8;

    private final List<Parameter> params;
    private final double lr;
    private final double weightDecay;
    private final NDManager state;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long step;

    /**
     * Creates the optimizer with zero moments.
     *
     * @param params the weights to update (only these; frozen ones are left alone)
     * @param lr the learning rate
     * @param weightDecay the decoupled weight decay
     */
    public AdamW(Map<String, Parameter> params, double lr, double weightDecay) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: every weight is frozen");
        }
        this.params = List.copyOf(params.values());
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.state = this.params.get(0).getArray().getManager().newSubManager();
        for (Parameter p : this.params) {
            m.add(state.zeros(p.getArray().getShape(), p.getArray().getDataType()));
            v.add(state.zeros(p.getArray().getShape(), p.getArray().getDataType()));
        }
    }

    /** Applies one update from the gradients left by {@code backward}, then clears them. */
    public void step() {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        step++;
        // PyTorch computes these scalars in double and applies them as float32 multipliers.
        double biasCorrection1 = 1 - Math.pow(BETA1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(BETA2, step));
        float stepSize = (float) (lr / biasCorrection1);
        try (NDManager scratch = state.newSubManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                NDArray g = w.getGradient(); // a new handle on w.grad, owned by w's manager
                g.attach(scratch);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                w.muli((float) (1 - lr * weightDecay));
                mi.addi(g.sub(mi).muli((float) (1 - BETA1)));
                vi.muli((float) BETA2).addi(g.mul(g).muli((float) (1 - BETA2)));
                NDArray denom = vi.sqrt();
                denom.attach(scratch);
                denom.divi((float) biasCorrection2Sqrt).addi((float) EPS);
                NDArray update = mi.mul(stepSize);
                update.attach(scratch);
                w.subi(update.divi(denom));
                JniUtils.zeroGrad((PtNDArray) w);
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * @return updates applied so far
     */
    public long steps() {
        return step;
    }

    /** Frees the moment arrays. */
    @Override
    public void close() {
        state.close();
    }
}
