package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * The feed-forward half of a block: widen 4x ({@code c_fc}), GELU, narrow back ({@code c_proj}).
 */
public final class Mlp extends FixedShapeBlock {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private final float dropRate;
    private final Conv1D cFc;
    private final Conv1D cProj;

    /**
     * Creates the layer.
     *
     * @param config the model size
     */
    public Mlp(GptConfig config) {
        this.dropRate = config.dropRate();
        int c = config.embDim();
        cFc = addChildBlock("c_fc", new Conv1D(c, 4 * c));
        cProj = addChildBlock("c_proj", new Conv1D(4 * c, c));
    }

    /**
     * Applies the layer.
     *
     * @param x input of shape (B, T, C)
     * @param training whether dropout is active
     * @return output of shape (B, T, C)
     */
    @Override
    public NDArray forward(NDArray x, boolean training) {
        NDArray y = cProj.forward(gelu(cFc.forward(x)));
        return training && dropRate > 0 ? Dropout.dropout(y, dropRate, true).singletonOrThrow() : y;
    }

    /**
     * GPT-2's GELU, the tanh approximation ("gelu_new"); DJL's own gelu is the erf form.
     *
     * @param x input
     * @return 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
     */
    public static NDArray gelu(NDArray x) {
        NDArray inner =
                x.pow(scalar(x, 3f))
                        .mul(scalar(x, 0.044715f))
                        .add(x)
                        .mul(scalar(x, SQRT_2_OVER_PI));
        return inner.tanh().add(scalar(x, 1f)).mul(x).mul(scalar(x, 0.5f));
    }

    /**
     * @return the widening projection
     */
    public Conv1D cFc() {
        return cFc;
    }

    /**
     * @return the narrowing projection
     */
    public Conv1D cProj() {
        return cProj;
    }
}
