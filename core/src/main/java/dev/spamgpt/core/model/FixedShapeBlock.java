package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A block whose parameter shapes come from the {@link GptConfig}, not from the input: it and its
 * children can be initialised with any input shape. By default DJL's entry points take one input
 * and give one output, through {@link #forward(NDArray, boolean)} and {@link #outputShape(Shape)}.
 */
abstract class FixedShapeBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    FixedShapeBlock() {
        super(VERSION);
    }

    /** Adds a parameter of a fixed shape. */
    final Parameter param(String name, Parameter.Type type, Initializer init, long... shape) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(new Shape(shape))
                        .optInitializer(init)
                        .build());
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /**
     * Applies the block to its one input; DJL's {@code forward(ParameterStore, NDList, boolean)}
     * comes here. A block with other inputs overrides {@link #forwardInternal} instead.
     *
     * @param x the input
     * @param training whether dropout is active
     * @return the output
     */
    NDArray forward(NDArray x, boolean training) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " takes other inputs");
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    /**
     * The shape of the output for an input of a given shape.
     *
     * @param input the shape of the (first) input
     * @return by default {@code input}: the block keeps the shape
     */
    Shape outputShape(Shape input) {
        return input;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape(inputShapes[0])};
    }

    /**
     * A 0-dim constant in the manager of {@code like}, for arithmetic inside the graph. DJL's
     * {@code x.mul(0.5f)} wraps the number in a tensor over a direct buffer and closes it right
     * after the op, but autograd keeps that tensor for backward: a GC in between frees the buffer
     * and the gradients read garbage (NaN seen in training). This one lives until the caller's
     * manager closes, after backward.
     */
    static NDArray scalar(NDArray like, float value) {
        return like.getManager().create(value);
    }

    /** Replaces the last dimension of a shape. */
    static Shape withLastDim(Shape shape, long last) {
        long[] dims = shape.getShape();
        dims[dims.length - 1] = last;
        return new Shape(dims);
    }
}
