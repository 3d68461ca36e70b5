package dev.spamgpt.core.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.BundleManifest;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Djl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The bundle's classifier, ready to serve: thread-safe, batched, and bounded in memory.
 *
 * <p>Each call tokenizes its texts (keeping the first {@code maxTokens} tokens), sorts them by
 * length, and cuts them into forward passes by text count and token budget. With last-token pooling
 * a pass packs several texts to a row ({@link PackedBatch}), so that it computes almost no padding;
 * with the book's pooling it pads every text to the fixed length. Each pass runs in its own
 * NDManager scope that is closed before the call returns; nothing per request stays in the model's
 * manager.
 */
public final class SpamClassifier implements SpamScorer {

    private final NDManager manager;
    private final boolean ownsManager;
    private final Gpt2ForClassification model;
    private final BundleManifest manifest;
    private final Pooling pooling;
    private final int maxTokens;
    private final int maxBatchSize;
    private final int tokenBudget;
    private final float threshold;
    private final Gpt2Tokenizer tokenizer = Gpt2Tokenizer.get();
    // Scoring holds the read lock, close() the write lock: no forward pass on freed weights.
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private SpamClassifier(
            NDManager manager,
            boolean ownsManager,
            Gpt2ForClassification model,
            BundleManifest manifest,
            ClassifierOptions options) {
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.model = model;
        this.manifest = manifest;
        this.pooling = Pooling.of(manifest.pooling());
        int limit = Math.min(manifest.maxLength(), model.transformer().config().contextLength());
        this.maxTokens = options.maxTokens() > 0 ? Math.min(options.maxTokens(), limit) : limit;
        this.maxBatchSize = options.maxBatchSize();
        this.tokenBudget = options.tokenBudget();
        this.threshold =
                options.threshold() != null ? options.threshold() : (float) manifest.threshold();
    }

    /**
     * Loads a bundle with the default options.
     *
     * @param bundleDir the bundle folder
     * @return the classifier; close it to free the native memory
     * @throws BundleException if the bundle is missing, corrupt or does not fit
     */
    public static SpamClassifier open(Path bundleDir) {
        return open(bundleDir, ClassifierOptions.defaults());
    }

    /**
     * Loads a bundle.
     *
     * @param bundleDir the bundle folder
     * @param options batch size, token limit, threshold override, device
     * @return the classifier; close it to free the native memory
     * @throws BundleException if the bundle is missing, corrupt or does not fit
     */
    public static SpamClassifier open(Path bundleDir, ClassifierOptions options) {
        ModelBundle bundle = ModelBundle.read(bundleDir);
        Device device = Djl.device(options.device());
        NDManager manager = Djl.engine().newBaseManager(device);
        try {
            Gpt2ForClassification model = bundle.loadModel(manager);
            return new SpamClassifier(manager, true, model, bundle.manifest(), options);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Wraps a model already in memory, such as the one the trainer just trained; the caller keeps
     * ownership of the model's manager.
     *
     * @param model the classifier
     * @param manifest pooling, max length and threshold
     * @param options batch size, token limit, threshold override
     * @return the classifier; closing it leaves the model alone
     */
    public static SpamClassifier of(
            Gpt2ForClassification model, BundleManifest manifest, ClassifierOptions options) {
        NDManager manager = model.transformer().wte().weight().getArray().getManager();
        return new SpamClassifier(manager, false, model, manifest, options);
    }

    @Override
    public float[] spamProbabilities(List<String> texts) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("classifier " + modelId() + " is closed");
            }
            return score(texts, false);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Returns each text's spam log-odds, {@code logit(spam) - logit(ham)}, straight from the head:
     * unlike a float probability it does not round to 1 for a confident model, so differences
     * between near-certain texts stay visible.
     */
    @Override
    public float[] spamLogOdds(List<String> texts) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("classifier " + modelId() + " is closed");
            }
            return score(texts, true);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[] score(List<String> texts, boolean logOdds) {
        Djl.noGradOnThisThread();
        int n = texts.size();
        List<int[]> tokens = new ArrayList<>(n);
        for (String text : texts) {
            tokens.add(tokenizer.encode(text == null ? "" : text, maxTokens));
        }
        // Texts of like length share a pass: a padded pass pads only to its own longest text, and
        // the rows of a packed pass come out nearly even.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length));
        float[] out = new float[n];
        int start = 0;
        while (start < n) {
            int end = passEnd(tokens, order, start);
            List<int[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(tokens.get(order[i]));
            }
            float[] p = scoreBatch(batch, logOdds);
            for (int i = start; i < end; i++) {
                out[order[i]] = p[i - start];
            }
            start = end;
        }
        return out;
    }

    /**
     * Where the pass that starts at {@code start} ends: at {@code maxBatchSize} texts, or before
     * the text that would take it over the token budget (a pass has at least one text). A packed
     * pass counts its texts' tokens; a padded one counts {@code maxTokens} per text, the length
     * book pooling pads to.
     */
    private int passEnd(List<int[]> tokens, Integer[] order, int start) {
        int end = start + 1;
        long tokensSoFar = length(tokens.get(order[start]));
        while (end < order.length && end - start < maxBatchSize) {
            int next = length(tokens.get(order[end]));
            long cost =
                    pooling == Pooling.LAST_TOKEN
                            ? tokensSoFar + next
                            : (long) (end - start + 1) * maxTokens;
            if (cost > tokenBudget) {
                break;
            }
            tokensSoFar += next;
            end++;
        }
        return end;
    }

    private static int length(int[] sequence) {
        return Math.max(1, sequence.length);
    }

    private float[] scoreBatch(List<int[]> batch, boolean logOdds) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray logits;
            if (pooling == Pooling.LAST_TOKEN) {
                PackedBatch b = PackedBatch.of(batch, scope);
                logits = model.forwardPacked(b.ids(), b.positions(), b.mask(), b.readIndex());
            } else {
                TokenBatch b = TokenBatch.of(batch, pooling, maxTokens, scope);
                logits = model.forward(b.ids(), b.lastIndex(), false);
            }
            if (logOdds) {
                return logits.get(":, 1").sub(logits.get(":, 0")).toFloatArray();
            }
            return logits.softmax(-1).get(":, 1").toFloatArray();
        }
    }

    /**
     * Tokenizes a text the way scoring does.
     *
     * @param text the text
     * @return the token ids scored, at most {@link #maxTokens()}
     */
    public int[] tokens(String text) {
        return tokenizer.encode(text == null ? "" : text, maxTokens);
    }

    @Override
    public float threshold() {
        return threshold;
    }

    @Override
    public String modelId() {
        return manifest.modelId();
    }

    /**
     * @return where the model runs, such as {@code cpu()} or {@code gpu(0)}
     */
    public String device() {
        return manager.getDevice().toString();
    }

    /**
     * @return the bundle's manifest
     */
    public BundleManifest manifest() {
        return manifest;
    }

    /**
     * @return the most tokens scored per text: the option's, at most the bundle's max length
     */
    @Override
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * @return the most texts per forward pass
     */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed && ownsManager) {
                manager.close();
            }
            closed = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
