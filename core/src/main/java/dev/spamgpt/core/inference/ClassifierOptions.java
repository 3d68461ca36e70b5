package dev.spamgpt.core.inference;

/** Settings of a {@link SpamClassifier} that are not part of the bundle. Immutable. */
public final class ClassifierOptions {

    /**
     * Tokens per forward pass by default. On 2 CPU cores, GPT-2 124M gains little from passes
     * larger than this (see ClassifierBench).
     */
    public static final int DEFAULT_TOKEN_BUDGET = 512;

    private final int maxBatchSize;
    private final int maxTokens;
    private final Float threshold;
    private final String device;
    private final int tokenBudget;

    private ClassifierOptions(int maxBatchSize, int maxTokens, Float threshold, String device, int tokenBudget) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must not be negative, got " + maxTokens);
        }
        if (threshold != null && (threshold < 0 || threshold > 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        if (tokenBudget < 1) {
            throw new IllegalArgumentException("tokenBudget must be at least 1, got " + tokenBudget);
        }
        this.tokenBudget = tokenBudget;
        this.maxBatchSize = maxBatchSize;
        this.maxTokens = maxTokens;
        this.threshold = threshold;
        this.device = device;
    }

    /**
     * @return passes of up to 16 texts and 512 tokens, the bundle's max length and
     *     threshold, auto device
     */
    public static ClassifierOptions defaults() {
        return new ClassifierOptions(16, 0, null, "auto", DEFAULT_TOKEN_BUDGET);
    }

    /**
     * @param value the most tokens one forward pass takes: the sum of its texts' tokens when
     *     they are packed several to a row (last-token pooling), texts x max tokens when they
     *     are padded to that length (book pooling); a text longer than this still gets a pass of
     *     its own
     * @return a copy with the value
     */
    public ClassifierOptions withTokenBudget(int value) {
        return new ClassifierOptions(maxBatchSize, maxTokens, threshold, device, value);
    }

    /** @return the most tokens per forward pass */
    public int tokenBudget() {
        return tokenBudget;
    }

    /**
     * @param value the most texts one forward pass takes
     * @return a copy with the value
     */
    public ClassifierOptions withMaxBatchSize(int value) {
        return new ClassifierOptions(value, maxTokens, threshold, device, tokenBudget);
    }

    /**
     * @param value the most tokens scored per text (the start is kept); 0 = the bundle's max length
     * @return a copy with the value
     */
    public ClassifierOptions withMaxTokens(int value) {
        return new ClassifierOptions(maxBatchSize, value, threshold, device, tokenBudget);
    }

    /**
     * @param value the decision threshold instead of the bundle's; null = the bundle's
     * @return a copy with the value
     */
    public ClassifierOptions withThreshold(Float value) {
        return new ClassifierOptions(maxBatchSize, maxTokens, value, device, tokenBudget);
    }

    /**
     * @param value {@code auto} (a GPU when DJL sees one), {@code cpu} or {@code gpu}
     * @return a copy with the value
     */
    public ClassifierOptions withDevice(String value) {
        return new ClassifierOptions(maxBatchSize, maxTokens, threshold, value, tokenBudget);
    }

    /** @return the most texts one forward pass takes */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return the most tokens scored per text; 0 = the bundle's max length */
    public int maxTokens() {
        return maxTokens;
    }

    /** @return the threshold override, or null */
    public Float threshold() {
        return threshold;
    }

    /** @return the device choice */
    public String device() {
        return device;
    }
}
