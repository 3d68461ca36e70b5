package dev.spamgpt.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Gpt2ModelTest {

    private static final GptConfig SMALL =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 2, 2, 1e-5f, 0f);

    @Test
    void namedParametersShouldFollowCheckpointKeysAndShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(SMALL, manager);
            Map<String, Parameter> params = model.namedParameters();
            assertThat(params.keySet())
                    .startsWith("wte.weight", "wpe.weight", "h.0.ln_1.weight")
                    .contains("h.1.attn.c_attn.weight", "h.1.mlp.c_proj.bias", "ln_f.weight")
                    .endsWith("score.weight", "score.bias")
                    .hasSize(2 + 2 * 12 + 2 + 2);
            assertThat(params.get("h.0.attn.c_attn.weight").getArray().getShape())
                    .isEqualTo(new Shape(16, 48));
            assertThat(params.get("h.0.mlp.c_fc.weight").getArray().getShape())
                    .isEqualTo(new Shape(16, 64));
            assertThat(params.get("score.weight").getArray().getShape())
                    .isEqualTo(new Shape(2, 16));
            long total = params.values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertThat(total - 2 * 16 - 2).isEqualTo(SMALL.parameterCount());
        }
    }

    @Test
    void forwardShouldLeaveResultsInTheRequestManagerAndIgnoreLaterTokens() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(SMALL, manager);
            try (NDManager request = manager.newSubManager()) {
                NDArray ids = request.create(new long[][] {{10, 20, 30, 40}, {10, 20, 30, 99}});
                NDArray hidden = model.transformer().forward(ids, false);
                assertThat(hidden.getShape()).isEqualTo(new Shape(2, 4, 16));
                assertThat(hidden.getManager()).isSameAs(request);
                // Causal attention: positions 0..2 cannot see the differing 4th token.
                NDArray prefixA = hidden.get("0, :3, :");
                NDArray prefixB = hidden.get("1, :3, :");
                assertThat(prefixA.allClose(prefixB, 1e-6, 1e-6, false)).isTrue();
                assertThat(hidden.get("0, 3, :").allClose(hidden.get("1, 3, :"), 1e-6, 1e-6, false))
                        .isFalse();
                NDArray logits = model.forward(ids, request.create(new long[] {2, 3}), false);
                assertThat(logits.getShape()).isEqualTo(new Shape(2, 2));
                assertThat(logits.getManager()).isSameAs(request);
            }
        }
    }

    @Test
    void djlsForwardAndOutputShapesShouldAgreeWithEachBlocksOwnForward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(SMALL, manager);
            Gpt2Model transformer = model.transformer();
            Block block = transformer.h().get(0);
            NDArray ids = manager.create(new long[][] {{10, 20, 30}});
            NDArray x = transformer.embed(ids, false); // (1, 3, 16)
            NDArray pooled = x.get(":, -1, :"); // (1, 16)

            assertDjlForward(transformer, ids, transformer.forward(ids, false));
            assertDjlForward(transformer.wte(), ids, transformer.wte().forward(ids));
            assertDjlForward(block, x, block.forward(x, false));
            assertDjlForward(block.ln1(), x, block.ln1().forward(x));
            assertDjlForward(block.attn(), x, block.attn().forward(x, false));
            assertDjlForward(block.mlp(), x, block.mlp().forward(x, false));
            assertDjlForward(block.mlp().cFc(), x, block.mlp().cFc().forward(x));
            assertDjlForward(model.score(), pooled, model.score().forward(pooled));

            NDArray lastIndex = manager.create(new long[] {2});
            NDList logits =
                    model.forward(
                            new ParameterStore(manager, false), new NDList(ids, lastIndex), false);
            assertThat(logits.singletonOrThrow().toFloatArray())
                    .isEqualTo(model.forward(ids, lastIndex, false).toFloatArray());
            assertThat(model.getOutputShapes(new Shape[] {ids.getShape(), lastIndex.getShape()}))
                    .containsExactly(new Shape(1, 2));
        }
    }

    @Test
    void djlsForwardShouldPassTrainingOnToDropout() {
        GptConfig dropping = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 1, 2, 1e-5f, 0.5f);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = Gpt2Model.random(dropping, manager).h().get(0);
            NDArray x = manager.randomNormal(new Shape(1, 3, 16));
            ParameterStore ps = new ParameterStore(manager, false);

            float[] eval =
                    block.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
            float[] train =
                    block.forward(ps, new NDList(x), true).singletonOrThrow().toFloatArray();

            assertThat(eval).isEqualTo(block.forward(x, false).toFloatArray());
            assertThat(train).isNotEqualTo(eval);
        }
    }

    /** DJL's entry gives the block's own output, and the shape it announces. */
    private static void assertDjlForward(ai.djl.nn.Block block, NDArray input, NDArray expected) {
        ParameterStore ps = new ParameterStore(input.getManager(), false);
        NDList out = block.forward(ps, new NDList(input), false);
        assertThat(out.singletonOrThrow().toFloatArray())
                .as(block.getClass().getSimpleName())
                .isEqualTo(expected.toFloatArray());
        assertThat(block.getOutputShapes(new Shape[] {input.getShape()}))
                .as(block.getClass().getSimpleName())
                .containsExactly(expected.getShape());
    }

    @Test
    void inferenceShouldFreeEachBlocksIntermediatesButTrainingShouldKeepThemForBackward() {
        GptConfig deep = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 32, 16, 12, 2, 1e-5f, 0f);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2Model model = Gpt2Model.random(deep, manager);
            long inferenceArrays;
            try (NDManager request = manager.newSubManager()) {
                NDArray ids = request.create(new long[][] {{10, 20, 30, 40}});
                NDArray hidden = model.forward(ids, false);
                inferenceArrays = request.getManagedArrays().size();
                assertThat(hidden.getManager()).isSameAs(request);
                assertThat(hidden.isReleased()).isFalse();
            }
            // Per block, about two arrays survive (its input and output); each of its dozens of
            // intermediates would be there too if they were kept.
            assertThat(inferenceArrays).isLessThan(3L * deep.nLayers() + 10);

            try (NDManager request = manager.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                model.getParameters()
                        .forEach(p -> p.getValue().getArray().setRequiresGradient(true));
                NDArray ids = request.create(new long[][] {{10, 20, 30, 40}});
                NDArray hidden = model.forward(ids, false);
                assertThat(request.getManagedArrays().size()).isGreaterThan(10 * deep.nLayers());
                // The output leaves ln_f, whose features sum to a constant, so a plain sum would
                // have a zero gradient up to rounding; weight the features unevenly instead.
                NDArray featureWeights = request.arange(1f, deep.embDim() + 1f);
                collector.backward(hidden.mul(featureWeights).sum());
                NDArray grad = model.h().get(0).mlp().cFc().weight().getArray().getGradient();
                assertThat(grad.abs().sum().getFloat()).isGreaterThan(0f);
            }
        }
    }

    @Test
    void forwardShouldRefuseSequencesLongerThanTheContext() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2Model model = Gpt2Model.random(SMALL, manager);
            NDArray ids = manager.zeros(new Shape(1, 33), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> model.forward(ids, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("context of 32");
        }
    }

    @Test
    void presetsShouldHaveTheKnownSizes() {
        assertThat(GptConfig.preset("gpt2-small").parameterCount())
                .isBetween(124_000_000L, 124_500_000L);
        assertThat(GptConfig.preset("gpt2-xl").parameterCount())
                .isBetween(1_550_000_000L, 1_560_000_000L);
        assertThat(GptConfig.preset("gpt2-medium").parameterCount()).isEqualTo(354_823_168L);
        assertThat(GptConfig.preset("gpt2-large").parameterCount()).isEqualTo(774_030_080L);
        assertThat(GptConfig.preset("medium")).isEqualTo(GptConfig.preset("gpt2-medium"));
        assertThat(GptConfig.preset("large")).isEqualTo(GptConfig.preset("gpt2-large"));
        assertThat(GptConfig.preset("XL")).isEqualTo(GptConfig.preset("gpt2-xl"));
        assertThat(GptConfig.preset("gpt2")).isEqualTo(GptConfig.preset("small"));
        assertThatThrownBy(() -> GptConfig.preset("huge"))
                .hasMessageContaining("unknown model preset");
    }

    @Test
    void namedParametersShouldNameEveryBlockOfAModelWithOverAHundredChildren() {
        // DJL prefixes each child with a two-digit ordinal that grows a third digit at 100.
        GptConfig deep = new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 8, 8, 120, 2, 1e-5f, 0f);
        List<String> oneBlock =
                new ArrayList<>(
                        new Gpt2Model(
                                        new GptConfig(
                                                GptConfig.GPT2_VOCAB_SIZE, 8, 8, 1, 2, 1e-5f, 0f))
                                .namedParameters()
                                .keySet());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < deep.nLayers(); i++) {
            for (String name : oneBlock) {
                if (name.startsWith("h.0.")) {
                    expected.add("h." + i + name.substring(3));
                }
            }
        }
        List<String> actual = new ArrayList<>(new Gpt2Model(deep).namedParameters().keySet());
        assertThat(actual)
                .startsWith("wte.weight", "wpe.weight")
                .endsWith("ln_f.weight", "ln_f.bias")
                .hasSize(expected.size() + 4);
        assertThat(actual.subList(2, actual.size() - 2)).containsExactlyElementsOf(expected);
    }
}
