package dev.spamgpt.core.model;

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
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(new Shape(shape))
                .optInitializer(init)
                .build());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /** Replaces the last dimension of a shape. */
    static Shape withLastDim(Shape shape, long last) {
        long[] dims = shape.getShape();
        dims[dims.length - 1] = last;
        return new Shape(dims);
    }
}
