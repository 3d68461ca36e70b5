package dev.spamgpt.streams.bench;

import dev.spamgpt.core.inference.ClassifierOptions;
import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.streams.config.InferenceFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Texts per second of {@link SpamClassifier} on SMS texts: one text per forward pass (the baseline
 * of the ratios) against passes of several texts, with and without a token budget, in the same run.
 * It takes the filter's inference options ({@link InferenceFlags}); with {@code
 * --forward-batch-size} or {@code --token-budget} it compares the baseline with that one setting
 * instead of its list. Not a test:
 *
 * <pre>
 * ./mvnw -B -q -o -pl streams-filter -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * CP="streams-filter/target/test-classes:streams-filter/target/classes"
 * OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.pytorch.num_threads=2 -Dai.djl.offline=true \
 *     -cp "$CP:$(cat streams-filter/target/test.classpath)" \
 *     dev.spamgpt.streams.bench.ClassifierBench [tiny|gpt2-small] [texts] [rounds] \
 *     [inference options]
 * </pre>
 */
@Command(
        name = "classifier-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Texts/s of the classifier alone: one text per forward pass vs passes of several.")
public final class ClassifierBench implements Callable<Integer> {

    private static final int[][] PASSES = {
        {1, Integer.MAX_VALUE},
        {8, Integer.MAX_VALUE},
        {32, Integer.MAX_VALUE},
        {16, 256},
        {16, 512},
        {32, 512},
        {32, 1024}
    };

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PRESET",
            defaultValue = "gpt2-small",
            description = "tiny or a GPT-2 preset such as gpt2-small. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "TEXTS",
            defaultValue = "64",
            description = "SMS texts per round. Default: ${DEFAULT-VALUE}.")
    int count;

    @Parameters(
            index = "2",
            arity = "0..1",
            paramLabel = "ROUNDS",
            defaultValue = "3",
            description = "Rounds; the median counts. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Mixin InferenceFlags inference = new InferenceFlags();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Runs the benchmark.
     *
     * @param args model preset (default gpt2-small), number of texts (64), rounds (3), then any
     *     inference option
     */
    public static void main(String[] args) {
        System.exit(
                new CommandLine(new ClassifierBench())
                        .setDefaultValueProvider(BenchDefaults.MAX_TOKENS_120)
                        .execute(args));
    }

    @Override
    public Integer call() throws IOException {
        ClassifierOptions chosen = inference.classifierOptions();
        inference.applyEngineThreads();
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        int[][] passes =
                parsed.hasMatchedOption("--forward-batch-size")
                                || parsed.hasMatchedOption("--token-budget")
                        ? new int[][] {
                            {1, Integer.MAX_VALUE}, {chosen.maxBatchSize(), chosen.tokenBudget()}
                        }
                        : PASSES;
        List<String> texts = smsTexts(count);
        Path dir = Files.createTempDirectory("spamgpt-bench");
        GptConfig config = "tiny".equals(preset) ? TinyBundles.TINY : GptConfig.preset(preset);
        TinyBundles.randomBundle(dir.resolve("bundle"), config, 1, 0.5f);
        System.out.printf(
                Locale.ROOT,
                "%s, %d SMS texts, median of %d rounds, %s threads, %d tokens per text%n",
                config,
                texts.size(),
                rounds,
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                chosen.maxTokens());
        double baseline = 0;
        for (int[] run : passes) {
            int batch = run[0];
            try (SpamClassifier c =
                    SpamClassifier.open(
                            dir.resolve("bundle"),
                            chosen.toBuilder().maxBatchSize(batch).tokenBudget(run[1]).build())) {
                c.spamProbabilities(texts.subList(0, Math.min(texts.size(), 2 * batch))); // warm-up
                double[] seconds = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    c.spamProbabilities(texts);
                    seconds[r] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(seconds);
                double perSecond = texts.size() / seconds[rounds / 2];
                if (batch == 1) {
                    baseline = perSecond;
                }
                System.out.printf(
                        Locale.ROOT,
                        "batch %2d, budget %10s: %8.1f texts/s  %7.1f ms/text  %.2fx batch 1%n",
                        batch,
                        run[1] == Integer.MAX_VALUE ? "none" : run[1] + " tok",
                        perSecond,
                        1000 / perSecond,
                        perSecond / baseline);
            }
        }
        return 0;
    }

    /** A seeded sample of the SMS collection, or generated texts of SMS length without it. */
    private static List<String> smsTexts(int count) throws IOException {
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        List<String> all = new ArrayList<>();
        if (sms != null) {
            for (String line : Files.readAllLines(sms, StandardCharsets.UTF_8)) {
                all.add(line.substring(line.indexOf('\t') + 1));
            }
        } else {
            Random r = new Random(1);
            for (int i = 0; i < count; i++) {
                StringBuilder b = new StringBuilder();
                for (int w = 0, n = 5 + r.nextInt(40); w < n; w++) {
                    b.append("word").append(r.nextInt(500)).append(' ');
                }
                all.add(b.toString());
            }
        }
        Collections.shuffle(all, new Random(123));
        return all.subList(0, Math.min(count, all.size()));
    }
}
