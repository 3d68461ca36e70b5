package dev.spamgpt.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    @Test
    void ofShouldCountTheConfusionMatrixAtTheThreshold() {
        int[] labels = {1, 1, 1, 0, 0, 0, 0, 1};
        float[] p = {0.9f, 0.5f, 0.2f, 0.7f, 0.1f, 0.49f, 0.0f, 0.99f};
        float[] losses = {1, 2, 3, 4, 5, 6, 7, 8};
        BinaryMetrics m = BinaryMetrics.of(labels, p, losses, 0.5);
        // 0.5 itself counts as spam
        assertThat(new long[] {m.tn(), m.fp(), m.fn(), m.tp()}).containsExactly(3, 1, 1, 3);
        assertThat(m.accuracy()).isEqualTo(6 / 8.0);
        assertThat(m.precision()).isEqualTo(3 / 4.0);
        assertThat(m.recall()).isEqualTo(3 / 4.0);
        assertThat(m.f1()).isCloseTo(0.75, within(1e-12));
        assertThat(m.falsePositiveRate()).isEqualTo(1 / 4.0);
        assertThat(m.loss()).isEqualTo(4.5);
        Map<String, Object> json = m.toMap();
        assertThat(json)
                .containsKeys(
                        "accuracy", "precision", "recall", "f1", "roc_auc", "confusion_matrix");
        @SuppressWarnings("unchecked")
        Map<String, Long> confusion = (Map<String, Long>) json.get("confusion_matrix");
        assertThat(confusion).containsEntry("fp", 1L).containsEntry("tp", 3L);
    }

    @Test
    void ofShouldNotDivideByZeroWhenNothingIsFlagged() {
        BinaryMetrics m = BinaryMetrics.of(new int[] {0, 1}, new float[] {0.1f, 0.2f}, null, 0.9);
        assertThat(m.precision()).isZero();
        assertThat(m.recall()).isZero();
        assertThat(m.f1()).isZero();
        assertThat(m.loss()).isNaN();
        assertThat(m.toMap().get("loss")).isNull();
    }

    @Test
    void rocAucShouldEqualThePairwiseDefinitionWithTiesCountingHalf() {
        Random random = new Random(42);
        int n = 300;
        int[] labels = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(3) == 0 ? 1 : 0;
            // coarse scores so that there are many ties
            scores[i] = Math.round((random.nextFloat() + labels[i] * 0.3f) * 10) / 10f;
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (labels[i] == 1 && labels[j] == 0) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        assertThat(BinaryMetrics.rocAuc(labels, scores)).isCloseTo(wins / pairs, within(1e-12));
    }

    @Test
    void rocAucShouldBeUndefinedWithOneClassAndExactForPerfectSeparation() {
        assertThat(BinaryMetrics.rocAuc(new int[] {1, 1}, new float[] {0.2f, 0.3f})).isNaN();
        assertThat(
                        BinaryMetrics.rocAuc(
                                new int[] {0, 1, 0, 1}, new float[] {0.1f, 0.8f, 0.2f, 0.9f}))
                .isEqualTo(1.0);
        assertThat(BinaryMetrics.rocAuc(new int[] {0, 1}, new float[] {0.9f, 0.1f})).isEqualTo(0.0);
    }

    @Test
    void ofShouldRefuseMismatchedInput() {
        assertThatThrownBy(() -> BinaryMetrics.of(new int[] {0, 1}, new float[] {0.5f}, null, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BinaryMetrics.of(new int[0], new float[0], null, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
