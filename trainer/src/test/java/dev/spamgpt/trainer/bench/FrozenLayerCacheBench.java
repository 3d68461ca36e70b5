package dev.spamgpt.trainer.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.SmsCollectionReader;
import dev.spamgpt.trainer.train.ClassifierPass;
import dev.spamgpt.trainer.train.Example;
import dev.spamgpt.trainer.train.FineTuner;
import dev.spamgpt.trainer.train.SyntheticSms;
import dev.spamgpt.trainer.train.TrainOptions;
import dev.spamgpt.trainer.train.TrainableLayers;
import dev.spamgpt.trainer.train.TrainingHistory;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Speed of the frozen-layer cache on a GPT-2 124M-shaped model (random weights, the default {@code
 * last-block}, batch 8): training steps with the cache against the same steps running the whole
 * model, measured in the same run. Explicit only: {@code ./mvnw -pl trainer -am test
 * -Dtest=FrozenLayerCacheBench -Dspamgpt.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dspamgpt.bench.steps=N}, default 24; {@code -Dspamgpt.bench.preset=NAME}).
 */
class FrozenLayerCacheBench {

    @Test
    void cachedStepsAgainstWholeModelSteps() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.bench"), "benchmark; run it with -Dspamgpt.bench=true");
        int steps = Integer.getInteger("spamgpt.bench.steps", 24);
        GptConfig config =
                GptConfig.preset(System.getProperty("spamgpt.bench.preset", "gpt2-small"));
        List<Example> train = Example.tokenize(messages(steps * 8), config.contextLength());
        List<Example> validation = train.subList(0, 8);
        TrainOptions options = new TrainOptions(1, 8, 5e-5, 0.1, 123, 1_000_000, 1);
        System.out.printf(
                Locale.ROOT,
                "%s, %d examples (mean %.1f tokens), %d steps, batch 8, last-block%n",
                config,
                train.size(),
                train.stream().mapToInt(e -> e.ids().length).average().orElse(0),
                steps);
        // The first passes of a fresh process are several times slower (page faults, lazy init):
        // warm up untimed, then measure the cached run before the whole-model one.
        run(config, train.subList(0, 24), validation, options, false);
        Result cached = run(config, train, validation, options, true);
        Result whole = run(config, train, validation, options, false);
        System.out.printf(
                Locale.ROOT, "whole model: %.3f s/step (%.1f s)%n", whole.loop / steps, whole.loop);
        System.out.printf(
                Locale.ROOT,
                "cached:      %.3f s/step (%.1f s) + %.1f s filling the cache%n",
                cached.loop / steps,
                cached.loop,
                cached.cache);
        System.out.printf(
                Locale.ROOT,
                "speed-up: %.2fx per step, %.2fx including the cache%n",
                whole.loop / cached.loop,
                whole.loop / (cached.loop + cached.cache));
        double maxDiff = 0;
        for (int i = 0; i < steps; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(whole.losses[i] - cached.losses[i]));
        }
        System.out.printf(
                Locale.ROOT, "largest loss difference over %d steps: %.2e%n", steps, maxDiff);
    }

    private record Result(double loop, double cache, float[] losses) {}

    private static Result run(
            GptConfig config,
            List<Example> train,
            List<Example> validation,
            TrainOptions options,
            boolean cache) {
        Engine.getInstance().setRandomSeed(options.seed());
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt2ForClassification model = Gpt2ForClassification.random(config, manager);
            FineTuner tuner =
                    new FineTuner(
                            model,
                            TrainableLayers.LAST_BLOCK,
                            Pooling.LAST_TOKEN,
                            0,
                            cache,
                            new PrintStream(OutputStream.nullOutputStream()),
                            false);
            ClassifierPass.Split t = tuner.split("train", train);
            ClassifierPass.Split v = tuner.split("validation", validation);
            TrainingHistory history = tuner.fit(t, v, options);
            return new Result(history.seconds(), tuner.cacheSeconds(), history.stepLosses());
        }
    }

    /** Real SMS texts when the shared data is there (their lengths matter), else synthetic ones. */
    private static List<LabelledText> messages(int n) throws Exception {
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        if (sms != null) {
            List<LabelledText> all = SmsCollectionReader.read(sms).examples();
            return all.subList(0, Math.min(n, all.size()));
        }
        return SyntheticSms.messages(n, 1);
    }
}
