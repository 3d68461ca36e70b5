package dev.spamgpt.core.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import java.util.List;

/**
 * Token sequences as one right-padded batch: {@code ids} (B, T) padded with {@code <|endoftext|>}
 * and, per row, the position the classifier reads. Training and serving both build their batches
 * here, so they read the same positions.
 */
public final class TokenBatch {

    private final NDArray ids;
    private final NDArray lastIndex;
    private final int length;

    private TokenBatch(NDArray ids, NDArray lastIndex, int length) {
        this.ids = ids;
        this.lastIndex = lastIndex;
        this.length = length;
    }

    /**
     * Builds a batch.
     *
     * @param sequences token ids; an empty sequence counts as one {@code <|endoftext|>}
     * @param pooling {@link Pooling#LAST_TOKEN}: pad to the longest sequence of this batch and read
     *     each last real token; {@link Pooling#BOOK}: truncate or pad to {@code bookLength} and
     *     read the last position
     * @param bookLength the fixed length for book pooling (ignored otherwise)
     * @param manager owns the new arrays
     * @return the batch
     */
    public static TokenBatch of(
            List<int[]> sequences, Pooling pooling, int bookLength, NDManager manager) {
        int b = sequences.size();
        int t = 1;
        if (pooling == Pooling.BOOK) {
            t = bookLength;
        } else {
            for (int[] s : sequences) {
                t = Math.max(t, s.length);
            }
        }
        long[] flat = new long[b * t];
        java.util.Arrays.fill(flat, Gpt2Tokenizer.END_OF_TEXT);
        long[] last = new long[b];
        for (int i = 0; i < b; i++) {
            int[] s = sequences.get(i);
            int n = Math.min(s.length, t);
            for (int j = 0; j < n; j++) {
                flat[i * t + j] = s[j];
            }
            last[i] = pooling == Pooling.BOOK ? t - 1 : Math.max(n, 1) - 1;
        }
        return new TokenBatch(manager.create(flat, new Shape(b, t)), manager.create(last), t);
    }

    /**
     * @return int64 token ids, shape (B, T)
     */
    public NDArray ids() {
        return ids;
    }

    /**
     * @return int64 position read per row, shape (B)
     */
    public NDArray lastIndex() {
        return lastIndex;
    }

    /**
     * @return T, the padded length
     */
    public int length() {
        return length;
    }
}
