package dev.spamgpt.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.inference.TokenBatch;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs the classifier on batches of examples: the whole model on token batches built by {@link
 * TokenBatch} (the serving path's batching), or only the blocks above the cache on {@link
 * ActivationCache} batches.
 */
public final class ClassifierPass {

    private final Gpt2ForClassification model;
    private final Pooling pooling;
    private final int bookLength;
    private final int cachedBlocks;

    /**
     * Creates the pass.
     *
     * @param model the classifier
     * @param pooling how batches are padded and read
     * @param bookLength the fixed length of {@code book} pooling
     * @param cachedBlocks how many bottom blocks an {@link ActivationCache} already holds
     */
    public ClassifierPass(
            Gpt2ForClassification model, Pooling pooling, int bookLength, int cachedBlocks) {
        this.model = model;
        this.pooling = pooling;
        this.bookLength = bookLength;
        this.cachedBlocks = cachedBlocks;
    }

    /**
     * Computes logits for some examples of a split.
     *
     * @param split the data
     * @param indices which examples of it
     * @param manager owns the inputs and results
     * @param training whether dropout is active
     * @return logits (B, 2) in {@code manager}
     */
    public NDArray logits(Split split, int[] indices, NDManager manager, boolean training) {
        if (split.cache() != null) {
            ActivationCache.Batch batch = split.cache().batch(indices, manager);
            Gpt2Model body = model.transformer();
            NDArray x = body.forwardBlocks(batch.hidden(), cachedBlocks, body.h().size(), training);
            return model.classify(body.lnF().forward(x), batch.lastIndex());
        }
        List<int[]> seqs = new ArrayList<>(indices.length);
        for (int i : indices) {
            seqs.add(split.examples().get(i).ids());
        }
        TokenBatch batch = TokenBatch.of(seqs, pooling, bookLength, manager);
        return model.forward(batch.ids(), batch.lastIndex(), training);
    }

    /**
     * Mean cross-entropy of a batch, as {@code torch.nn.functional.cross_entropy}.
     *
     * @param logits (B, 2)
     * @param labels int64 (B)
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return perExampleLoss(logits, labels).mean();
    }

    /**
     * Cross-entropy of each row.
     *
     * @param logits (B, 2)
     * @param labels int64 (B)
     * @return (B)
     */
    public static NDArray perExampleLoss(NDArray logits, NDArray labels) {
        long b = logits.getShape().get(0);
        return logits.logSoftmax(-1).gather(labels.reshape(b, 1), 1).reshape(b).neg();
    }

    /**
     * Labels of some examples as an int64 array.
     *
     * @param split the data
     * @param indices which examples
     * @param manager the owner
     * @return (B)
     */
    public static NDArray labels(Split split, int[] indices, NDManager manager) {
        long[] labels = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            labels[k] = split.examples().get(indices[k]).label();
        }
        return manager.create(labels);
    }

    /**
     * Scores a whole split without gradients, in length-sorted batches (the results do not depend
     * on the batching: each row is read at its own position).
     *
     * @param split the data
     * @param batchSize examples per forward pass
     * @param manager parent of the per-batch managers
     * @return the spam probability and loss of every example, in split order
     */
    public Predictions predict(Split split, int batchSize, NDManager manager) {
        List<Example> examples = split.examples();
        int n = examples.size();
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        if (pooling == Pooling.LAST_TOKEN) {
            Arrays.sort(order, Comparator.comparingInt(i -> examples.get(i).ids().length));
        }
        float[] probs = new float[n];
        float[] losses = new float[n];
        int[] labels = new int[n];
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int from = 0; from < n; from += batchSize) {
                int[] idx = new int[Math.min(n, from + batchSize) - from];
                for (int k = 0; k < idx.length; k++) {
                    idx[k] = order[from + k];
                }
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray logits = logits(split, idx, scratch, false);
                    float[] p =
                            logits.softmax(-1)
                                    .get(":, 1")
                                    .toType(DataType.FLOAT32, false)
                                    .toFloatArray();
                    float[] l = perExampleLoss(logits, labels(split, idx, scratch)).toFloatArray();
                    for (int k = 0; k < idx.length; k++) {
                        probs[idx[k]] = p[k];
                        losses[idx[k]] = l[k];
                        labels[idx[k]] = examples.get(idx[k]).label();
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return new Predictions(labels, probs, losses);
    }

    /**
     * Examples with an optional cache of their lower-layer activations.
     *
     * @param name for messages ({@code train}, {@code validation}, {@code test})
     * @param examples the examples
     * @param cache their activations below the trained blocks, or null
     */
    public record Split(String name, List<Example> examples, ActivationCache cache) {}

    /**
     * Scores of a split.
     *
     * @param labels the true labels, 0 = ham, 1 = spam
     * @param spamProbabilities the softmax probability of spam
     * @param losses the cross-entropy of each example
     */
    public record Predictions(int[] labels, float[] spamProbabilities, float[] losses) {}
}
