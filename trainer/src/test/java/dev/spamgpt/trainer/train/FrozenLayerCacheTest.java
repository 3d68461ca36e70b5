package dev.spamgpt.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.trainer.train.ClassifierPass.Predictions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrozenLayerCacheTest {

    private static final GptConfig CONFIG =
            new GptConfig(GptConfig.GPT2_VOCAB_SIZE, 64, 32, 3, 2, 1e-5f, 0f);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @ParameterizedTest(name = "{0}, {1} pooling")
    @CsvSource({
        "last-block, last-token",
        "last-block, book",
        "last-n-blocks=2, last-token",
        "last-layer, last-token"
    })
    void cachedTrainingShouldGiveTheSameLossesAsRunningTheWholeModel(
            String trainable, String pooling) {
        List<Example> train = Example.tokenize(SyntheticSms.messages(48, 7), 64);
        List<Example> validation = Example.tokenize(SyntheticSms.messages(16, 8), 64);
        TrainOptions options = new TrainOptions(1, 8, 1e-3, 0.1, 123, 2, 2);
        Run uncached = run(trainable, pooling, false, train, validation, options);
        Run cached = run(trainable, pooling, true, train, validation, options);
        assertThat(cached.caching).isTrue();
        assertThat(uncached.caching).isFalse();
        assertThat(cached.history.stepLosses()).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(cached.history.stepLosses()[i])
                    .as("step %d", i)
                    .isCloseTo(uncached.history.stepLosses()[i], within(1e-5f));
        }
        // the losses moved, so the comparison covered real updates
        assertThat(uncached.history.stepLosses()[5])
                .isNotCloseTo(uncached.history.stepLosses()[0], within(1e-3f));
        for (int i = 0; i < cached.history.evaluations().size(); i++) {
            assertThat(cached.history.evaluations().get(i).validationLoss())
                    .isCloseTo(
                            uncached.history.evaluations().get(i).validationLoss(), within(1e-5));
        }
        for (int i = 0; i < validation.size(); i++) {
            assertThat(cached.validation.spamProbabilities()[i])
                    .isCloseTo(uncached.validation.spamProbabilities()[i], within(1e-5f));
        }
    }

    private record Run(TrainingHistory history, Predictions validation, boolean caching) {}

    private static Run run(
            String trainable,
            String pooling,
            boolean cache,
            List<Example> train,
            List<Example> validation,
            TrainOptions options) {
        Engine.getInstance().setRandomSeed(options.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(CONFIG, manager);
            int bookLength = Example.longest(train);
            TrainableLayers layers = TrainableLayers.parse(List.of(trainable));
            FineTuner tuner =
                    new FineTuner(
                            model, layers, Pooling.of(pooling), bookLength, cache, QUIET, false);
            ClassifierPass.Split t = tuner.split("train", train);
            ClassifierPass.Split v = tuner.split("validation", validation);
            TrainingHistory history = tuner.fit(t, v, options);
            return new Run(history, tuner.predict(v), tuner.caching());
        }
    }
}
