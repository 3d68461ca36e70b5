package dev.spamgpt.core.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spamgpt.core.model.CausalSelfAttention;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Token sequences packed several to a row, for serving with last-token pooling: a row of (B, T)
 * holds whole texts one after another, each with its own positions 0, 1, ... and an attention mask
 * that keeps it to itself, so each text is scored as if it were alone. Padding is left only at the
 * ends of rows, where a padded batch pads every short text up to the longest.
 *
 * <p>Rows are about {@link #ROW_TOKENS} tokens long, or as long as the longest text: a token's
 * attention cost grows with its row's length, whatever text shares the row.
 */
public final class PackedBatch {

    /** Target row length: about five SMS, and a few percent of a pass's cost for attention. */
    public static final int ROW_TOKENS = 128;

    private final NDArray ids;
    private final NDArray positions;
    private final NDArray mask;
    private final NDArray readIndex;
    private final int rows;
    private final int length;

    private PackedBatch(
            NDArray ids, NDArray positions, NDArray mask, NDArray readIndex, int rows, int length) {
        this.ids = ids;
        this.positions = positions;
        this.mask = mask;
        this.readIndex = readIndex;
        this.rows = rows;
        this.length = length;
    }

    /**
     * Packs sequences into as few rows of at most {@code max(ROW_TOKENS, longest)} tokens as will
     * hold them, longest first, each into the row that is shortest so far: rows end up nearly
     * equal, and little padding is left.
     *
     * @param sequences token ids; an empty sequence counts as one {@code <|endoftext|>}
     * @param manager owns the new arrays
     * @return the batch; {@link #readIndex()} follows the order of {@code sequences}
     */
    public static PackedBatch of(List<int[]> sequences, NDManager manager) {
        int n = sequences.size();
        if (n == 0) {
            throw new IllegalArgumentException("no sequences to pack");
        }
        int[] lengths = new int[n];
        long total = 0;
        int longest = 1;
        for (int i = 0; i < n; i++) {
            lengths[i] = Math.max(1, sequences.get(i).length);
            total += lengths[i];
            longest = Math.max(longest, lengths[i]);
        }
        int capacity = Math.max(ROW_TOKENS, longest);

        Integer[] longestFirst = new Integer[n];
        for (int i = 0; i < n; i++) {
            longestFirst[i] = i;
        }
        Arrays.sort(longestFirst, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        int[] rowOf = new int[n];
        int[] startOf = new int[n];
        // As few rows as the total needs; one more while the fullest row would pass the capacity,
        // so that no row is longer than the capacity: attention costs T^2 per row.
        int rowCount = (int) Math.min(n, (total + capacity - 1) / capacity);
        int[] fill;
        while (true) {
            fill = new int[rowCount];
            for (int i : longestFirst) {
                int row = 0;
                for (int r = 1; r < rowCount; r++) {
                    if (fill[r] < fill[row]) {
                        row = r;
                    }
                }
                rowOf[i] = row;
                startOf[i] = fill[row];
                fill[row] += lengths[i];
            }
            if (Arrays.stream(fill).max().orElse(1) <= capacity || rowCount == n) {
                break;
            }
            rowCount++;
        }
        int t = Arrays.stream(fill).max().orElse(1);

        long[] flatIds = new long[rowCount * t];
        long[] flatPositions = new long[rowCount * t];
        // Which text each slot belongs to; -1 for padding, which attends only to padding and sits
        // at position 0: nothing reads it.
        int[] owner = new int[rowCount * t];
        Arrays.fill(flatIds, Gpt2Tokenizer.END_OF_TEXT);
        Arrays.fill(owner, -1);
        long[] read = new long[n];
        for (int i = 0; i < n; i++) {
            int[] s = sequences.get(i);
            int base = rowOf[i] * t + startOf[i];
            for (int j = 0; j < lengths[i]; j++) {
                flatIds[base + j] = j < s.length ? s[j] : Gpt2Tokenizer.END_OF_TEXT;
                flatPositions[base + j] = j;
                owner[base + j] = i;
            }
            read[i] = base + lengths[i] - 1L;
        }
        float[] flatMask = new float[rowCount * t * t];
        Arrays.fill(flatMask, CausalSelfAttention.MASKED);
        for (int r = 0; r < rowCount; r++) {
            for (int q = 0; q < t; q++) {
                int who = owner[r * t + q];
                // A text's slots are contiguous: walk back from the query while the owner holds.
                for (int k = q; k >= 0 && owner[r * t + k] == who; k--) {
                    flatMask[(r * t + q) * t + k] = 0f;
                }
            }
        }
        return new PackedBatch(
                manager.create(flatIds, new Shape(rowCount, t)),
                manager.create(flatPositions, new Shape(rowCount, t)),
                manager.create(flatMask, new Shape(rowCount, 1, t, t)),
                manager.create(read),
                rowCount,
                t);
    }

    /**
     * @return int64 token ids, shape (B, T)
     */
    public NDArray ids() {
        return ids;
    }

    /**
     * @return int64 position of each token within its text, shape (B, T)
     */
    public NDArray positions() {
        return positions;
    }

    /**
     * @return the additive attention mask, shape (B, 1, T, T)
     */
    public NDArray mask() {
        return mask;
    }

    /**
     * @return int64 {@code row * T + position} of each text's last token, shape (N)
     */
    public NDArray readIndex() {
        return readIndex;
    }

    /**
     * @return B, the number of rows
     */
    public int rows() {
        return rows;
    }

    /**
     * @return T, the row length
     */
    public int length() {
        return length;
    }
}
