package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

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

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
