package dev.spamgpt.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.spamgpt.core.model.CausalSelfAttention;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Djl;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackedBatchTest {

    private static int[] sequence(Random random, int length) {
        int[] s = new int[length];
        for (int i = 0; i < length; i++) {
            s[i] = random.nextInt(Gpt2Tokenizer.END_OF_TEXT);
        }
        return s;
    }

    @Test
    void eachTextShouldSitWholeInOneRowWithItsOwnPositionsAndSeeOnlyItself() {
        Random random = new Random(3);
        List<int[]> texts =
                List.of(
                        sequence(random, 5),
                        new int[0],
                        sequence(random, 130),
                        sequence(random, 40),
                        sequence(random, 40),
                        sequence(random, 12));
        try (NDManager manager = Djl.engine().newBaseManager()) {
            PackedBatch batch = PackedBatch.of(texts, manager);

            // 228 tokens in rows of at least the longest text (130): two rows, 130 long.
            assertThat(batch.rows()).isEqualTo(2);
            assertThat(batch.length()).isEqualTo(130);
            int t = batch.length();
            long[] ids = batch.ids().toLongArray();
            long[] positions = batch.positions().toLongArray();
            long[] read = batch.readIndex().toLongArray();
            float[] mask = batch.mask().toFloatArray();
            assertThat(batch.mask().getShape()).isEqualTo(new Shape(2, 1, t, t));

            for (int i = 0; i < texts.size(); i++) {
                int[] s = texts.get(i);
                int length = Math.max(1, s.length);
                long start = read[i] - (length - 1);
                assertThat(start / t).as("text %d stays in one row", i).isEqualTo(read[i] / t);
                for (int j = 0; j < length; j++) {
                    int slot = (int) start + j;
                    assertThat(ids[slot])
                            .isEqualTo(s.length == 0 ? Gpt2Tokenizer.END_OF_TEXT : s[j]);
                    assertThat(positions[slot]).isEqualTo(j);
                    int row = slot / t;
                    int q = slot % t;
                    for (int k = 0; k < t; k++) {
                        boolean ownEarlier = k <= q && k >= q - j;
                        assertThat(mask[(row * t + q) * t + k])
                                .as("text %d token %d key %d", i, j, k)
                                .isEqualTo(ownEarlier ? 0f : CausalSelfAttention.MASKED);
                    }
                }
            }
        }
    }

    @Test
    void noRowShouldBeLongerThanTheLongerOfRowTokensAndTheLongestText() {
        Random random = new Random(5);
        // 250 tokens fit two rows of 128 by count, but not by shape: 100 + 100 + 50.
        List<int[]> texts =
                List.of(sequence(random, 100), sequence(random, 100), sequence(random, 50));
        try (NDManager manager = Djl.engine().newBaseManager()) {
            PackedBatch batch = PackedBatch.of(texts, manager);
            assertThat(batch.length()).isLessThanOrEqualTo(PackedBatch.ROW_TOKENS);
            assertThat(batch.rows()).isEqualTo(3);
        }
    }

    @Test
    void packedLogitsShouldEqualEachTextRunAlone() {
        Random random = new Random(11);
        List<int[]> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add(sequence(random, 1 + random.nextInt(TinyBundles.TINY.contextLength())));
        }
        Djl.noGradOnThisThread();
        try (NDManager manager = Djl.engine().newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(TinyBundles.TINY, manager);
            PackedBatch packed = PackedBatch.of(texts, manager);
            assertThat(packed.rows()).as("several texts to a row").isLessThan(texts.size() / 2);
            float[] got =
                    model.forwardPacked(
                                    packed.ids(),
                                    packed.positions(),
                                    packed.mask(),
                                    packed.readIndex())
                            .toFloatArray();

            for (int i = 0; i < texts.size(); i++) {
                int[] s = texts.get(i);
                long[] ids = new long[s.length];
                for (int j = 0; j < s.length; j++) {
                    ids[j] = s[j];
                }
                NDArray alone =
                        model.forward(
                                manager.create(ids, new Shape(1, s.length)),
                                manager.create(new long[] {s.length - 1}),
                                false);
                float[] expected = alone.toFloatArray();
                assertThat(got[2 * i])
                        .as("text %d, ham logit", i)
                        .isCloseTo(expected[0], within(1e-4f));
                assertThat(got[2 * i + 1])
                        .as("text %d, spam logit", i)
                        .isCloseTo(expected[1], within(1e-4f));
            }
        }
    }
}
