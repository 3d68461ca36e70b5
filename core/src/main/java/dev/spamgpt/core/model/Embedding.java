package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;

/** A lookup table of learned vectors: {@code wte} (tokens) and {@code wpe} (positions). */
public final class Embedding extends FixedShapeBlock {

    private final int dim;
    private final Parameter weight;

    /**
     * Creates the table.
     *
     * @param rows number of entries
     * @param dim width of each vector
     */
    public Embedding(int rows, int dim) {
        this.dim = dim;
        weight = param("weight", Parameter.Type.WEIGHT, new NormalInitializer(0.02f), rows, dim);
    }

    /**
     * Looks up rows.
     *
     * @param ids int64 indices of any shape
     * @return the vectors, shape (ids..., dim), in the NDManager of {@code ids}
     */
    public NDArray forward(NDArray ids) {
        return ids.getNDArrayInternal()
                .embedding(ids, weight.getArray(), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * @return the table, shape [rows, dim]
     */
    public Parameter weight() {
        return weight;
    }

    /** No dropout here: {@code training} changes nothing. */
    @Override
    NDArray forward(NDArray x, boolean training) {
        return forward(x);
    }

    @Override
    Shape outputShape(Shape input) {
        return input.addAll(new Shape(dim));
    }
}
