package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * GPT-2's "Conv1D": a linear layer whose weight is stored {@code [in, out]} (the transpose of
 * PyTorch's {@code Linear}), exactly as in the checkpoints, so loading needs no transpose.
 */
public final class Conv1D extends FixedShapeBlock {

    private final int nf;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer.
     *
     * @param nx input features
     * @param nf output features
     */
    public Conv1D(int nx, int nf) {
        this.nf = nf;
        weight = param("weight", Parameter.Type.WEIGHT, new NormalInitializer(0.02f), nx, nf);
        bias = param("bias", Parameter.Type.BIAS, Initializer.ZEROS, nf);
    }

    /**
     * Applies {@code x @ weight + bias}.
     *
     * @param x input of shape (..., nx)
     * @return output of shape (..., nf)
     */
    public NDArray forward(NDArray x) {
        // x stays the left operand so the result lives in the caller's NDManager.
        return x.matMul(weight.getArray()).add(bias.getArray());
    }

    /**
     * @return the {@code weight} parameter, shape [nx, nf]
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * @return the {@code bias} parameter, shape [nf]
     */
    public Parameter bias() {
        return bias;
    }

    /** No dropout here: {@code training} changes nothing. */
    @Override
    NDArray forward(NDArray x, boolean training) {
        return forward(x);
    }

    @Override
    Shape outputShape(Shape input) {
        return withLastDim(input, nf);
    }
}
