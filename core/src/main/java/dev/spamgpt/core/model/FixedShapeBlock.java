package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * A block whose parameter shapes come from the {@link GptConfig}, not from the input: it and its
 * children can be initialised with any input shape.
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
