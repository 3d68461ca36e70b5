package dev.spamgpt.trainer.pending;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/** Stand-in for {@code dev.spamgpt.core.inference.TokenBatch}. */
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
     * @param sequences token ids
     * @param pooling the pooling
     * @param bookLength fixed length for book pooling
     * @param manager owner
     * @return the batch
     */
    public static TokenBatch of(List<int[]> sequences, Pooling pooling, int bookLength, NDManager manager) {
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
        Arrays.fill(flat, Gpt2Tokenizer.END_OF_TEXT);
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

    /** @return ids (B, T) */
    public NDArray ids() {
        return ids;
    }

    /** @return positions read (B) */
    public NDArray lastIndex() {
        return lastIndex;
    }

    /** @return T */
    public int length() {
        return length;
    }
}
