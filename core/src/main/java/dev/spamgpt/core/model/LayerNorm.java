package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * LayerNorm over the last dimension with a learned {@code weight} (scale) and {@code bias} (shift).
 */
public final class LayerNorm extends FixedShapeBlock {

    private final Shape normalizedShape;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the layer.
     *
     * @param dim the size of the last dimension
     * @param eps added to the variance (GPT-2: 1e-5)
     */
    public LayerNorm(int dim, float eps) {
        this.normalizedShape = new Shape(dim);
        this.eps = eps;
        weight = param("weight", Parameter.Type.GAMMA, Initializer.ONES, dim);
        bias = param("bias", Parameter.Type.BETA, Initializer.ZEROS, dim);
    }

    /**
     * Normalises the last dimension.
     *
     * @param x input of shape (..., dim)
     * @return output of the same shape
     */
    public NDArray forward(NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(
                        x, normalizedShape, weight.getArray(), bias.getArray(), eps)
                .singletonOrThrow();
    }

    /**
     * @return the scale parameter
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * @return the shift parameter
     */
    public Parameter bias() {
        return bias;
    }

    /** No dropout here: {@code training} changes nothing. */
    @Override
    NDArray forward(NDArray x, boolean training) {
        return forward(x);
    }
}
