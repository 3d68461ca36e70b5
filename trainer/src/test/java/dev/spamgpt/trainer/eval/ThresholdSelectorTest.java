package dev.spamgpt.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ThresholdSelectorTest {

    @Test
    void shouldPickTheLowestThresholdMeetingTheTarget() {
        Random random = new Random(9);
        int n = 1000;
        int[] labels = new int[n];
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3 == 0 ? 1 : 0;
            p[i] = labels[i] == 1 ? 0.5f + random.nextFloat() / 2 : random.nextFloat() * 0.8f;
        }
        double target = 0.005;
        ThresholdSelector.Choice choice =
                ThresholdSelector.lowestWithFalsePositiveRate(labels, p, target);
        assertThat(choice.ham()).isEqualTo(666);
        assertThat(choice.allowedFalsePositives()).isEqualTo(3);
        BinaryMetrics at = BinaryMetrics.of(labels, p, null, choice.threshold());
        assertThat(at.falsePositiveRate())
                .isLessThanOrEqualTo(target)
                .isEqualTo(choice.falsePositiveRate());
        assertThat(at.fp()).isEqualTo(3);
        // at the 4th highest ham itself one more ham gets through: the choice sits just above it
        float[] ham = hamScores(labels, p);
        float fourth = ham[ham.length - 4];
        assertThat(BinaryMetrics.of(labels, p, null, fourth).falsePositiveRate())
                .isGreaterThan(target);
        assertThat(choice.threshold())
                .isGreaterThan(fourth)
                .isLessThanOrEqualTo(fourth + ThresholdSelector.NOISE_MARGIN);
        assertThat(choice.recall()).isEqualTo(at.recall()).isGreaterThan(0);
    }

    @Test
    void marginShouldShrinkToHalfTheGapToTheNextScoreAndStayAtMostOne() {
        float h = 0.3f;
        float next = 0.300004f;
        ThresholdSelector.Choice close =
                ThresholdSelector.lowestWithFalsePositiveRate(
                        new int[] {0, 1}, new float[] {h, next}, 0);
        assertThat(close.threshold()).isGreaterThan(h).isLessThan(next);
        assertThat(close.recall()).isEqualTo(1.0);
        ThresholdSelector.Choice top =
                ThresholdSelector.lowestWithFalsePositiveRate(
                        new int[] {0, 1}, new float[] {0.999999f, 0.2f}, 0);
        assertThat(top.threshold()).isEqualTo(1f);
        ThresholdSelector.Choice impossible =
                ThresholdSelector.lowestWithFalsePositiveRate(
                        new int[] {0, 1}, new float[] {1f, 0.2f}, 0);
        assertThat(impossible.threshold()).isGreaterThan(1f);
    }

    private static float[] hamScores(int[] labels, float[] p) {
        float[] ham = new float[labels.length];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 0) {
                ham[n++] = p[i];
            }
        }
        ham = java.util.Arrays.copyOf(ham, n);
        java.util.Arrays.sort(ham);
        return ham;
    }

    @Test
    void zeroTargetShouldSitJustAboveTheHighestHam() {
        int[] labels = {0, 0, 1, 1};
        float[] p = {0.3f, 0.6f, 0.6f, 0.9f};
        ThresholdSelector.Choice choice =
                ThresholdSelector.lowestWithFalsePositiveRate(labels, p, 0);
        assertThat(choice.threshold()).isEqualTo(0.6f + ThresholdSelector.NOISE_MARGIN);
        // the spam that ties with the highest ham is lost too: ham costs more
        assertThat(choice.recall()).isEqualTo(0.5);
        assertThat(choice.falsePositiveRate()).isZero();
    }

    @Test
    void targetCoveringAllHamShouldGiveZero() {
        ThresholdSelector.Choice choice =
                ThresholdSelector.lowestWithFalsePositiveRate(
                        new int[] {0, 1}, new float[] {0.4f, 0.7f}, 0.99);
        assertThat(choice.allowedFalsePositives()).isZero();
        assertThat(choice.threshold()).isEqualTo(0.4f + ThresholdSelector.NOISE_MARGIN);
        assertThat(
                        ThresholdSelector.lowestWithFalsePositiveRate(
                                        new int[] {0, 0, 1}, new float[] {0.4f, 0.5f, 0.7f}, 0.5)
                                .threshold())
                .isEqualTo(0.4f + ThresholdSelector.NOISE_MARGIN);
        assertThat(
                        ThresholdSelector.lowestWithFalsePositiveRate(
                                        new int[] {0, 0, 1}, new float[] {0.4f, 0.5f, 0.7f}, 0)
                                .allowedFalsePositives())
                .isZero();
    }

    @Test
    void shouldRefuseDataWithoutHamAndBadTargets() {
        assertThatThrownBy(
                        () ->
                                ThresholdSelector.lowestWithFalsePositiveRate(
                                        new int[] {1}, new float[] {0.5f}, 0.01))
                .hasMessageContaining("no ham");
        assertThatThrownBy(
                        () ->
                                ThresholdSelector.lowestWithFalsePositiveRate(
                                        new int[] {0}, new float[] {0.5f}, 1))
                .hasMessageContaining("[0, 1)");
        assertThatThrownBy(
                        () ->
                                ThresholdSelector.lowestWithFalsePositiveRate(
                                        new int[] {0}, new float[] {0.5f}, Double.NaN))
                .hasMessageContaining("[0, 1)");
    }
}
