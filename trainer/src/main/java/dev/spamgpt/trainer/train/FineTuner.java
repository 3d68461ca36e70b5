package dev.spamgpt.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.util.ProgressBar;
import dev.spamgpt.trainer.train.ClassifierPass.Predictions;
import dev.spamgpt.trainer.train.ClassifierPass.Split;
import dev.spamgpt.trainer.train.TrainingHistory.EpochPoint;
import dev.spamgpt.trainer.train.TrainingHistory.EvalPoint;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The book's {@code train_classifier_simple}: shuffled batches, cross-entropy, AdamW, an evaluation
 * on a few batches every {@code evalFreq} steps and the accuracies after each epoch, with SpamGPT's
 * frozen-layer cache when it applies.
 */
public final class FineTuner {

    /**
     * Examples per forward pass when filling the cache and scoring whole splits. Larger batches
     * were slower on 2 cores, where more rows only add padding and cache misses.
     */
    static final int PREDICT_BATCH = 8;

    private final Gpt2ForClassification model;
    private final Map<String, Parameter> trainable;
    private final ClassifierPass pass;
    private final Pooling pooling;
    private final int bookLength;
    private final int frozenBlocks;
    private final boolean caching;
    private final boolean dropout;
    private final PrintStream log;
    private final boolean interactive;
    private final NDManager root;
    private double cacheSeconds;

    /**
     * Prepares a run: freezes what does not train and decides whether to cache.
     *
     * @param model the classifier, weights loaded
     * @param layers which weights train
     * @param pooling how batches are padded and read
     * @param bookLength the fixed length of {@code book} pooling (any value for last-token)
     * @param useCache cache the frozen lower layers when dropout is off and the embeddings are
     *     frozen
     * @param log where the book's progress lines go
     * @param interactive whether {@code log} is a terminal (progress bars redraw in place)
     */
    public FineTuner(
            Gpt2ForClassification model,
            TrainableLayers layers,
            Pooling pooling,
            int bookLength,
            boolean useCache,
            PrintStream log,
            boolean interactive) {
        this.model = model;
        this.pooling = pooling;
        this.bookLength = bookLength;
        this.log = log;
        this.interactive = interactive;
        this.trainable = layers.apply(model);
        this.dropout = model.transformer().config().dropRate() > 0;
        this.caching = useCache && !dropout && !layers.trainsEmbeddings();
        this.frozenBlocks =
                caching ? layers.frozenBlocks(model.transformer().config().nLayers()) : 0;
        this.pass = new ClassifierPass(model, pooling, bookLength, frozenBlocks);
        this.root = model.score().weight().getArray().getManager();
    }

    /**
     * Wraps examples for training or scoring, filling the activation cache when caching is on.
     *
     * @param name {@code train}, {@code validation} or {@code test}
     * @param examples the examples
     * @return the split
     */
    public Split split(String name, List<Example> examples) {
        if (!caching) {
            return new Split(name, examples, null);
        }
        long start = System.nanoTime();
        ActivationCache cache;
        try (ProgressBar bar =
                new ProgressBar(
                        "caching " + name,
                        examples.size(),
                        0,
                        false,
                        log,
                        interactive,
                        System::nanoTime)) {
            cache =
                    ActivationCache.build(
                            model.transformer(),
                            frozenBlocks,
                            examples,
                            pooling,
                            bookLength,
                            PREDICT_BATCH,
                            bar);
        }
        cacheSeconds += (System.nanoTime() - start) / 1e9;
        return new Split(name, examples, cache);
    }

    /**
     * Trains.
     *
     * @param train the training split
     * @param validation the validation split
     * @param options epochs, batch size, AdamW settings, seed and evaluation schedule
     * @return the evaluations, the epoch accuracies and the timings
     */
    public TrainingHistory fit(Split train, Split validation, TrainOptions options) {
        int batch = options.batchSize();
        int perEpoch = train.examples().size() / batch;
        if (perEpoch == 0) {
            throw new IllegalArgumentException(
                    "the training set has "
                            + train.examples().size()
                            + " examples, fewer than one batch of "
                            + batch);
        }
        JniUtils.setGradMode(false); // grad mode is per thread; only the collector turns it on
        Random shuffle = new Random(options.seed());
        Random evalShuffle = new Random(options.seed() + 1);
        List<EvalPoint> evaluations = new ArrayList<>();
        List<EpochPoint> epochs = new ArrayList<>();
        long step = -1;
        long seen = 0;
        float[] stepLosses = new float[perEpoch * options.epochs()];
        long start = System.nanoTime();
        try (AdamW optimizer =
                new AdamW(trainable, options.learningRate(), options.weightDecay())) {
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                int[] order = permutation(train.examples().size(), shuffle);
                String label = String.format(Locale.ROOT, "epoch %d/%d", epoch, options.epochs());
                try (ProgressBar bar =
                        new ProgressBar(
                                label,
                                (long) perEpoch * batch,
                                0,
                                false,
                                log,
                                interactive,
                                System::nanoTime)) {
                    double lossSum = 0;
                    for (int b = 0; b < perEpoch; b++) {
                        int[] idx = Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
                        float loss = trainStep(train, idx, optimizer);
                        lossSum += loss;
                        seen += batch;
                        step++;
                        stepLosses[(int) step] = loss;
                        bar.setSuffix(String.format(Locale.ROOT, "loss %.3f", lossSum / (b + 1)));
                        bar.step(batch);
                        if (step % options.evalFreq() == 0) {
                            EvalPoint p =
                                    evaluate(
                                            train,
                                            validation,
                                            options,
                                            evalShuffle,
                                            epoch,
                                            step,
                                            seen);
                            evaluations.add(p);
                            bar.println(
                                    String.format(
                                            Locale.ROOT,
                                            "Ep %d (Step %06d): Train loss %.3f, Val loss %.3f",
                                            epoch,
                                            step,
                                            p.trainLoss(),
                                            p.validationLoss()));
                        }
                    }
                }
                EvalPoint end =
                        evaluate(train, validation, options, evalShuffle, epoch, step, seen);
                epochs.add(
                        new EpochPoint(epoch, seen, end.trainAccuracy(), end.validationAccuracy()));
                log.printf(
                        Locale.ROOT,
                        "Training accuracy: %.2f%% | Validation accuracy: %.2f%%%n",
                        end.trainAccuracy() * 100,
                        end.validationAccuracy() * 100);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingHistory(
                evaluations, epochs, stepLosses, step + 1, seen, seconds, cacheSeconds);
    }

    /**
     * Scores a whole split with the current weights.
     *
     * @param split the data
     * @return probabilities and losses per example
     */
    public Predictions predict(Split split) {
        return pass.predict(split, PREDICT_BATCH, root);
    }

    /**
     * @return whether the lower layers are cached
     */
    public boolean caching() {
        return caching;
    }

    /**
     * @return bottom blocks held in the cache (0 without a cache)
     */
    public int cachedBlocks() {
        return frozenBlocks;
    }

    /**
     * @return whether dropout is active while training
     */
    public boolean dropout() {
        return dropout;
    }

    /**
     * @return the weights that train, by name
     */
    public Map<String, Parameter> trainable() {
        return trainable;
    }

    /**
     * @return seconds spent filling activation caches so far
     */
    public double cacheSeconds() {
        return cacheSeconds;
    }

    /** One forward, backward and AdamW update; returns the batch loss. */
    private float trainStep(Split train, int[] idx, AdamW optimizer) {
        try (NDManager scratch = root.newSubManager()) {
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = pass.logits(train, idx, scratch, dropout);
                NDArray value =
                        ClassifierPass.crossEntropy(
                                logits, ClassifierPass.labels(train, idx, scratch));
                collector.backward(value);
                loss = value.getFloat();
            }
            optimizer.step();
            return loss;
        }
    }

    /**
     * The book's {@code evaluate_model} plus accuracies: {@code evalIter} batches of each split.
     */
    private EvalPoint evaluate(
            Split train,
            Split validation,
            TrainOptions options,
            Random evalShuffle,
            int epoch,
            long step,
            long seen) {
        int batch = options.batchSize();
        // The book draws fresh batches from the shuffled training loader, and the first
        // batches of the unshuffled validation loader.
        int[] trainOrder = permutation(train.examples().size(), evalShuffle);
        int trainBatches = Math.min(options.evalIter(), train.examples().size() / batch);
        double[] t = lossAndAccuracy(train, trainOrder, trainBatches, batch);
        int[] valOrder = permutation(validation.examples().size(), null);
        int valBatches =
                Math.min(options.evalIter(), (validation.examples().size() + batch - 1) / batch);
        double[] v = lossAndAccuracy(validation, valOrder, valBatches, batch);
        return new EvalPoint(epoch, step, seen, t[0], v[0], t[1], v[1]);
    }

    /**
     * Mean batch loss and fraction correct over the first {@code batches} batches of {@code order}.
     */
    private double[] lossAndAccuracy(Split split, int[] order, int batches, int batch) {
        if (batches == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double lossSum = 0;
        long correct = 0;
        long total = 0;
        for (int b = 0; b < batches; b++) {
            int[] idx =
                    Arrays.copyOfRange(order, b * batch, Math.min(order.length, (b + 1) * batch));
            try (NDManager scratch = root.newSubManager()) {
                NDArray logits = pass.logits(split, idx, scratch, false);
                NDArray labels = ClassifierPass.labels(split, idx, scratch);
                lossSum += ClassifierPass.crossEntropy(logits, labels).getFloat();
                correct += logits.argMax(1).eq(labels).countNonzero().getLong();
                total += idx.length;
            }
        }
        return new double[] {lossSum / batches, (double) correct / total};
    }

    /** A seeded Fisher-Yates shuffle of 0..n-1, or the identity when {@code random} is null. */
    static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (random != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }
}
