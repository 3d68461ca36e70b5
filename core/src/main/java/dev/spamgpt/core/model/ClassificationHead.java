package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * The classifier that replaces the LM head ({@code score}): a Linear layer from the hidden size to
 * the number of classes, stored like PyTorch's {@code Linear} ({@code [out, in]}).
 */
public final class ClassificationHead extends FixedShapeBlock {

    private final int numClasses;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the head.
     *
     * @param embDim hidden size
     * @param numClasses outputs (2: ham, spam)
     */
    public ClassificationHead(int embDim, int numClasses) {
        this.numClasses = numClasses;
        weight =
                param(
                        "weight",
                        Parameter.Type.WEIGHT,
                        new NormalInitializer(0.02f),
                        numClasses,
                        embDim);
        bias = param("bias", Parameter.Type.BIAS, Initializer.ZEROS, numClasses);
    }

    /**
     * Computes class logits.
     *
     * @param hidden pooled hidden states of shape (..., C)
     * @return logits of shape (..., numClasses)
     */
    public NDArray forward(NDArray hidden) {
        return hidden.getNDArrayInternal()
                .linear(hidden, weight.getArray(), bias.getArray())
                .singletonOrThrow();
    }

    /**
     * @return the weight, shape [numClasses, C]
     */
    public Parameter weight() {
        return weight;
    }

    /**
     * @return the bias, shape [numClasses]
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
        return withLastDim(input, numClasses);
    }
}
