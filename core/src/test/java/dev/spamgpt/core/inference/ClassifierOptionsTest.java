package dev.spamgpt.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierOptionsTest {

    @Test
    void defaultsShouldBePassesOf16TextsAnd512TokensWithTheBundlesLengthAndThreshold() {
        ClassifierOptions options = ClassifierOptions.defaults();

        assertThat(options.maxBatchSize()).isEqualTo(16);
        assertThat(options.tokenBudget()).isEqualTo(512);
        assertThat(options.maxTokens()).isZero();
        assertThat(options.threshold()).isNull();
        assertThat(options.device()).isEqualTo("auto");
    }

    @Test
    void builderShouldKeepEveryValueAndACopyShouldChangeOnlyOne() {
        ClassifierOptions options =
                ClassifierOptions.builder()
                        .maxBatchSize(4)
                        .tokenBudget(100)
                        .maxTokens(50)
                        .threshold(0.8f)
                        .device("cpu")
                        .build();
        ClassifierOptions copy = options.withMaxTokens(20);

        assertThat(List.of(options.maxBatchSize(), options.tokenBudget(), options.maxTokens()))
                .containsExactly(4, 100, 50);
        assertThat(options.threshold()).isEqualTo(0.8f);
        assertThat(options.device()).isEqualTo("cpu");
        assertThat(copy.maxTokens()).isEqualTo(20);
        assertThat(copy.toBuilder().build().maxBatchSize()).isEqualTo(4);
        assertThat(copy.threshold()).isEqualTo(0.8f);
    }

    @Test
    void buildShouldNameTheSettingThatIsOutOfRange() {
        assertInvalid(
                ClassifierOptions.builder().maxBatchSize(0),
                ClassifierOptions.Setting.MAX_BATCH_SIZE,
                "max batch size must be at least 1, got 0");
        assertInvalid(
                ClassifierOptions.builder().tokenBudget(0),
                ClassifierOptions.Setting.TOKEN_BUDGET,
                "token budget must be at least 1, got 0");
        assertInvalid(
                ClassifierOptions.builder().maxTokens(-1),
                ClassifierOptions.Setting.MAX_TOKENS,
                "max tokens must not be negative, got -1");
        assertInvalid(
                ClassifierOptions.builder().threshold(1.5f),
                ClassifierOptions.Setting.THRESHOLD,
                "threshold must be in [0, 1], got 1.5");
        assertInvalid(
                ClassifierOptions.builder().threshold(Float.NaN),
                ClassifierOptions.Setting.THRESHOLD,
                "threshold must be in [0, 1], got NaN");
        assertThatThrownBy(() -> ClassifierOptions.defaults().withThreshold(-0.1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold");
    }

    @Test
    void aScoreAtTheThresholdShouldBeSpamAndOneBelowItHam() {
        assertThat(SpamScorer.isSpam(0.5, 0.5)).isTrue();
        assertThat(SpamScorer.isSpam(0.4999, 0.5)).isFalse();
        assertThat(SpamScorer.isSpam(0.0, 0.0)).isTrue();
        assertThat(SpamScorer.isSpam(0.97f, 0.97f)).isTrue();
    }

    private static void assertInvalid(
            ClassifierOptions.Builder builder, ClassifierOptions.Setting setting, String message) {
        assertThatThrownBy(builder::build)
                .isInstanceOfSatisfying(
                        ClassifierOptions.InvalidOptionException.class,
                        e -> assertThat(e.setting()).isEqualTo(setting))
                .hasMessage(message);
    }
}
