package dev.spamgpt.trainer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.testing.GoldenFixture;
import dev.spamgpt.core.util.Djl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy ids against PyTorch's, for both key layouts of the golden checkpoint (core's
 * GoldenCheckpointTest compares the logits), and the rest of the generator's contract.
 */
class TextGeneratorTest {

    private static final int[] PROMPT = {6109, 3626, 6100, 345};

    @TempDir static Path tmp;

    private static NDManager manager;
    private static Map<String, Gpt2Model> models;
    private static TextGenerator generator;
    private static int vocab;

    @BeforeAll
    static void load() throws IOException {
        manager = Djl.engine().newBaseManager();
        models = GoldenFixture.loadBothLayouts(tmp, manager);
        Gpt2Model model = models.get(GoldenFixture.PREFIXED);
        vocab = model.config().vocabSize();
        generator = new TextGenerator(model);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("dev.spamgpt.core.testing.GoldenFixture#layoutsAndCases")
    void greedyContinuationShouldMatchPyTorch(String layout, GoldenFixture.Case c) {
        TextGenerator generator = new TextGenerator(models.get(layout));

        int[] generated = generator.generate(c.inputIds(), GoldenFixture.newTokens());

        assertThat(generated).isEqualTo(c.greedyIds());
    }

    @Test
    void generateShouldLeaveNoArraysInTheModelsManager() {
        int before = manager.getManagedArrays().size();
        int[] longPrompt = new int[30];
        for (int i = 0; i < longPrompt.length; i++) {
            longPrompt[i] = 1000 + 37 * i;
        }

        generator.generate(
                longPrompt, 5); // 35 tokens: past the context of 32, so cropping runs too

        assertThat(manager.getManagedArrays()).hasSize(before);
    }

    @Test
    void topKOfOneShouldBeGreedyWhateverTheTemperature() {
        int[] greedy = generator.generate(PROMPT, 8);

        assertThat(generator.generate(PROMPT, 8, TextGenerator.Sampling.of(5f, 1, 99)))
                .isEqualTo(greedy);
    }

    @Test
    void samplingShouldRepeatForOneSeedAndStayInTheVocabulary() {
        TextGenerator.Sampling hot = TextGenerator.Sampling.of(2f, 0, 42);

        int[] first = generator.generate(PROMPT, 6, hot);

        assertThat(generator.generate(PROMPT, 6, hot)).isEqualTo(first);
        assertThat(generator.generate(PROMPT, 6, TextGenerator.Sampling.of(2f, 0, 43)))
                .isNotEqualTo(first);
        assertThat(java.util.Arrays.stream(first).allMatch(id -> id >= 0 && id < vocab)).isTrue();
    }

    @Test
    void anEmptyPromptShouldStartFromEndOfText() {
        assertThat(generator.generate(new int[0], 3))
                .isEqualTo(generator.generate(new int[] {50256}, 3));
        assertThat(generator.generate(PROMPT, 0)).isEmpty();
    }

    @Test
    void gradModeShouldBeOffWhileGeneratingAndRestoredAfter() {
        JniUtils.setGradMode(true);
        try {
            generator.generate(PROMPT, 2);
            assertThat(JniUtils.isGradMode()).isTrue();
        } finally {
            JniUtils.setGradMode(false);
        }
        generator.generate(PROMPT, 2);
        assertThat(JniUtils.isGradMode()).isFalse();
    }

    @Test
    void badInputShouldBeRefusedClearly() {
        assertThatThrownBy(() -> generator.generate(new int[] {1, 50257}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 50257");
        assertThatThrownBy(() -> generator.generate(PROMPT, -1))
                .hasMessageContaining("max new tokens");
        assertThatThrownBy(() -> TextGenerator.Sampling.of(-1f, 0, 1))
                .hasMessageContaining("temperature");
        assertThatThrownBy(() -> TextGenerator.Sampling.of(1f, -3, 1))
                .hasMessageContaining("top-k");
    }
}
