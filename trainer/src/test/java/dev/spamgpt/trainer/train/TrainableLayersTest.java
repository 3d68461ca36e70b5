package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainableLayersTest {

    private static final GptConfig CONFIG =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 16, 8, 3, 2, 1e-5f, 0f);

    @Test
    void parseShouldAcceptEveryDocumentedSpelling() {
        assertThat(TrainableLayers.parse(List.of("last-block")))
                .isEqualTo(TrainableLayers.LAST_BLOCK);
        assertThat(TrainableLayers.parse(List.of("last-layer")))
                .isEqualTo(TrainableLayers.HEAD_ONLY);
        assertThat(TrainableLayers.parse(List.of("ALL"))).isEqualTo(TrainableLayers.EVERYTHING);
        assertThat(TrainableLayers.parse(List.of("last-n-blocks", "2")).blocks()).isEqualTo(2);
        assertThat(TrainableLayers.parse(List.of("last-n-blocks=3")).toString())
                .isEqualTo("last-n-blocks 3");
    }

    @Test
    void parseShouldRejectMissingOrBadCounts() {
        assertThatThrownBy(() -> TrainableLayers.parse(List.of("last-n-blocks")))
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> TrainableLayers.parse(List.of("last-n-blocks", "two")))
                .hasMessageContaining("'two'");
        assertThatThrownBy(() -> TrainableLayers.parse(List.of("last-n-blocks", "0")))
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> TrainableLayers.parse(List.of("last-block", "2")))
                .hasMessageContaining("only after last-n-blocks");
        assertThatThrownBy(() -> TrainableLayers.parse(List.of("top")))
                .hasMessageContaining("unknown --trainable 'top'");
    }

    @Test
    void applyShouldFreezeEverythingOutsideTheChoice() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(CONFIG, manager);
            assertThat(TrainableLayers.LAST_BLOCK.apply(model).keySet())
                    .allMatch(
                            k ->
                                    k.startsWith("h.2.")
                                            || k.startsWith("ln_f.")
                                            || k.startsWith("score."))
                    .contains("h.2.attn.c_attn.weight", "ln_f.weight", "score.bias")
                    .hasSize(12 + 2 + 2);
            assertThat(TrainableLayers.HEAD_ONLY.apply(model).keySet())
                    .containsExactly("score.weight", "score.bias");
            assertThat(TrainableLayers.parse(List.of("last-n-blocks", "2")).apply(model).keySet())
                    .contains("h.1.mlp.c_fc.weight", "h.2.ln_1.bias")
                    .doesNotContain("h.0.ln_1.weight")
                    .hasSize(24 + 4);
            assertThat(TrainableLayers.EVERYTHING.apply(model))
                    .hasSameSizeAs(model.namedParameters());
            // re-applying a narrower choice freezes again what the wider one had opened
            TrainableLayers.HEAD_ONLY.apply(model);
            assertThat(model.namedParameters().get("wte.weight").getArray().hasGradient())
                    .isFalse();
            assertThat(model.namedParameters().get("score.weight").getArray().hasGradient())
                    .isTrue();
        }
    }

    @Test
    void frozenBlocksShouldCountTheCacheableBottom() {
        assertThat(TrainableLayers.LAST_BLOCK.frozenBlocks(12)).isEqualTo(11);
        assertThat(TrainableLayers.HEAD_ONLY.frozenBlocks(12)).isEqualTo(12);
        assertThat(TrainableLayers.EVERYTHING.frozenBlocks(12)).isZero();
        assertThatThrownBy(
                        () ->
                                TrainableLayers.parse(List.of("last-n-blocks", "13"))
                                        .frozenBlocks(12))
                .hasMessageContaining("only 12 blocks");
    }
}
