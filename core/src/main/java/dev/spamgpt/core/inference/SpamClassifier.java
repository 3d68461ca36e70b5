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
 * length so that a batch pads little, and runs each batch in its own NDManager scope that is
 * closed before the call returns; nothing per request stays in the model's manager.
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

    private SpamClassifier(NDManager manager, boolean ownsManager, Gpt2ForClassification model,
            BundleManifest manifest, ClassifierOptions options) {
        this.manager = manager;
        this.ownsManager = ownsManager;
        this.model = model;
        this.manifest = manifest;
        this.pooling = Pooling.of(manifest.pooling());
        int limit = Math.min(manifest.maxLength(), model.transformer().config().contextLength());
        this.maxTokens = options.maxTokens() > 0 ? Math.min(options.maxTokens(), limit) : limit;
        this.maxBatchSize = options.maxBatchSize();
        this.tokenBudget = options.tokenBudget();
        this.threshold = options.threshold() != null ? options.threshold() : (float) manifest.threshold();
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
    public static SpamClassifier of(Gpt2ForClassification model, BundleManifest manifest,
            ClassifierOptions options) {
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
            return score(texts);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[] score(List<String> texts) {
        Djl.noGradOnThisThread();
        int n = texts.size();
        List<int[]> tokens = new ArrayList<>(n);
        for (String text : texts) {
            tokens.add(tokenizer.encode(text == null ? "" : text, maxTokens));
        }
        // Short texts together: each batch pads only to its own longest member.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length));
        float[] out = new float[n];
        int start = 0;
        while (start < n) {
            // Texts are sorted by length, so the last one of a pass is its longest: cut the pass
            // when it is full or when one more text would pad past the token budget.
            int end = start + 1;
            while (end < n && end - start < maxBatchSize
                    && (long) (end - start + 1) * Math.max(1, tokens.get(order[end]).length) <= tokenBudget) {
                end++;
            }
            List<int[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(tokens.get(order[i]));
            }
            float[] p = scoreBatch(batch);
            for (int i = start; i < end; i++) {
                out[order[i]] = p[i - start];
            }
            start = end;
        }
        return out;
    }

    private float[] scoreBatch(List<int[]> batch) {
        try (NDManager scope = manager.newSubManager()) {
            TokenBatch b = TokenBatch.of(batch, pooling, maxTokens, scope);
            NDArray logits = model.forward(b.ids(), b.lastIndex(), false);
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

    /** @return the bundle's manifest */
    public BundleManifest manifest() {
        return manifest;
    }

    /** @return the most tokens scored per text */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the most texts per forward pass */
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
