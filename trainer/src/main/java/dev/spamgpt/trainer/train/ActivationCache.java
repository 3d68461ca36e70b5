package dev.spamgpt.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.inference.TokenBatch;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.util.ProgressBar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The residual stream after the frozen lower part of the model (embeddings and blocks {@code 0 ..
 * frozenBlocks-1}), computed once per example and kept on the Java heap.
 *
 * <p>With dropout off, frozen layers give the same output at every epoch, so training the top
 * blocks on these activations gives the same losses as running the whole model, for a fraction of
 * the work. For {@code last-token} pooling each example is stored unpadded: under causal attention
 * the real positions never see the padding, so the padding of a training batch can be anything
 * (zeros here). For {@code book} pooling the padded positions are read, so each example is stored
 * at the full book length, padding included.
 */
public final class ActivationCache {

    private final Pooling pooling;
    private final int bookLength;
    private final int width;
    private final float[][] rows;
    private final int[] lengths;

    private ActivationCache(
            Pooling pooling, int bookLength, int width, float[][] rows, int[] lengths) {
        this.pooling = pooling;
        this.bookLength = bookLength;
        this.width = width;
        this.rows = rows;
        this.lengths = lengths;
    }

    /**
     * Runs the frozen lower part over every example, in length-sorted batches, without gradients.
     *
     * @param body the transformer
     * @param frozenBlocks how many bottom blocks to run
     * @param examples the examples
     * @param pooling how batches are padded
     * @param bookLength the fixed length of {@code book} pooling
     * @param batchSize examples per forward pass
     * @param progress counts the examples done; may be null
     * @return the cache, one entry per example in the order given
     */
    public static ActivationCache build(
            Gpt2Model body,
            int frozenBlocks,
            List<Example> examples,
            Pooling pooling,
            int bookLength,
            int batchSize,
            ProgressBar progress) {
        int width = body.config().embDim();
        float[][] rows = new float[examples.size()][];
        int[] lengths = new int[examples.size()];
        Integer[] order = IntStream.range(0, examples.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> examples.get(i).ids().length));
        NDManager owner = body.wte().weight().getArray().getManager();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                List<int[]> seqs = new ArrayList<>();
                for (int k = from; k < to; k++) {
                    seqs.add(examples.get(order[k]).ids());
                }
                try (NDManager scratch = owner.newSubManager()) {
                    TokenBatch batch = TokenBatch.of(seqs, pooling, bookLength, scratch);
                    NDArray x =
                            body.forwardBlocks(
                                    body.embed(batch.ids(), false), 0, frozenBlocks, false);
                    float[] flat = x.toFloatArray(); // (B, T, C)
                    int t = batch.length();
                    long[] last = batch.lastIndex().toLongArray();
                    for (int k = from; k < to; k++) {
                        int b = k - from;
                        // Keep the positions up to the one the head reads; later ones are padding.
                        int n = (int) last[b] + 1;
                        float[] row = new float[n * width];
                        System.arraycopy(flat, b * t * width, row, 0, row.length);
                        rows[order[k]] = row;
                        lengths[order[k]] = n;
                    }
                }
                if (progress != null) {
                    progress.step(to - from);
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return new ActivationCache(pooling, bookLength, width, rows, lengths);
    }

    /**
     * Assembles a batch of cached activations, right-padded with zeros.
     *
     * @param indices which examples
     * @param manager owns the new arrays
     * @return the residual stream (B, T, C) and the position the head reads per row (B)
     */
    public Batch batch(int[] indices, NDManager manager) {
        int t = 1;
        for (int i : indices) {
            t = Math.max(t, lengths[i]);
        }
        if (pooling == Pooling.BOOK) {
            t = bookLength;
        }
        float[] flat = new float[indices.length * t * width];
        long[] last = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            float[] row = rows[indices[b]];
            System.arraycopy(row, 0, flat, b * t * width, row.length);
            last[b] = lengths[indices[b]] - 1;
        }
        return new Batch(
                manager.create(flat, new Shape(indices.length, t, width)), manager.create(last));
    }

    /**
     * @return the number of cached examples
     */
    public int size() {
        return rows.length;
    }

    /**
     * @return the heap the activations take, in bytes
     */
    public long bytes() {
        long floats = 0;
        for (float[] row : rows) {
            floats += row.length;
        }
        return floats * Float.BYTES;
    }

    /**
     * A batch of cached activations.
     *
     * @param hidden the residual stream entering the first trained block, (B, T, C)
     * @param lastIndex int64 (B): the position the head reads in each row
     */
    public record Batch(NDArray hidden, NDArray lastIndex) {}
}
