package dev.spamgpt.core.inference;

/**
 * Settings of a {@link SpamClassifier} that are not part of the bundle. Immutable, and checked in
 * one place, {@link Builder#build()}: the streams filter, the mailet and the trainer build their
 * options here and rely on that check. A bad value fails with an {@link InvalidOptionException}
 * that says which {@link Setting} is wrong, so that each front end can name it by its own flag or
 * parameter.
 */
public final class ClassifierOptions {

    /**
     * Tokens per forward pass by default. On 2 CPU cores, GPT-2 124M gains little from passes
     * larger than this (see ClassifierBench in streams-filter).
     */
    public static final int DEFAULT_TOKEN_BUDGET = 512;

    /** Texts per forward pass by default. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 16;

    /** Device choice by default: a GPU when DJL sees one, else the CPU. */
    public static final String DEFAULT_DEVICE = "auto";

    /** The settings that {@link Builder#build()} checks. */
    public enum Setting {
        /** {@link #maxBatchSize()}. */
        MAX_BATCH_SIZE("max batch size"),
        /** {@link #tokenBudget()}. */
        TOKEN_BUDGET("token budget"),
        /** {@link #maxTokens()}. */
        MAX_TOKENS("max tokens"),
        /** {@link #threshold()}. */
        THRESHOLD("threshold");

        private final String label;

        Setting(String label) {
            this.label = label;
        }

        /**
         * @return the setting in words, such as {@code max batch size}
         */
        public String label() {
            return label;
        }
    }

    /**
     * A setting out of range. The message is the setting's {@link Setting#label()} and the problem.
     */
    public static final class InvalidOptionException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final Setting setting;
        private final String problem;

        InvalidOptionException(Setting setting, String problem) {
            super(setting.label() + " " + problem);
            this.setting = setting;
            this.problem = problem;
        }

        /**
         * @return the setting that is wrong
         */
        public Setting setting() {
            return setting;
        }

        /**
         * @return what is wrong, without the setting's name, such as {@code must be at least 1, got
         *     0}
         */
        public String problem() {
            return problem;
        }
    }

    private final int maxBatchSize;
    private final int maxTokens;
    private final Float threshold;
    private final String device;
    private final int tokenBudget;

    private ClassifierOptions(Builder b) {
        this.maxBatchSize = b.maxBatchSize;
        this.maxTokens = b.maxTokens;
        this.threshold = b.threshold;
        this.device = b.device;
        this.tokenBudget = b.tokenBudget;
    }

    /**
     * @return passes of up to 16 texts and 512 tokens, the bundle's max length and threshold, auto
     *     device
     */
    public static ClassifierOptions defaults() {
        return builder().build();
    }

    /**
     * @return a builder that starts from the {@link #defaults()}
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return a builder that starts from these options
     */
    public Builder toBuilder() {
        return new Builder()
                .maxBatchSize(maxBatchSize)
                .tokenBudget(tokenBudget)
                .maxTokens(maxTokens)
                .threshold(threshold)
                .device(device);
    }

    /**
     * @param value the most tokens one forward pass takes (see {@link Builder#tokenBudget(int)})
     * @return a copy with the value
     * @throws InvalidOptionException when the value is out of range
     */
    public ClassifierOptions withTokenBudget(int value) {
        return toBuilder().tokenBudget(value).build();
    }

    /**
     * @return the most tokens per forward pass
     */
    public int tokenBudget() {
        return tokenBudget;
    }

    /**
     * @param value the most texts one forward pass takes
     * @return a copy with the value
     * @throws InvalidOptionException when the value is out of range
     */
    public ClassifierOptions withMaxBatchSize(int value) {
        return toBuilder().maxBatchSize(value).build();
    }

    /**
     * @param value the most tokens scored per text (the start is kept); 0 = the bundle's max length
     * @return a copy with the value
     * @throws InvalidOptionException when the value is out of range
     */
    public ClassifierOptions withMaxTokens(int value) {
        return toBuilder().maxTokens(value).build();
    }

    /**
     * @param value the decision threshold instead of the bundle's; null = the bundle's
     * @return a copy with the value
     * @throws InvalidOptionException when the value is out of range
     */
    public ClassifierOptions withThreshold(Float value) {
        return toBuilder().threshold(value).build();
    }

    /**
     * @param value {@code auto} (a GPU when DJL sees one), {@code cpu} or {@code gpu}
     * @return a copy with the value
     */
    public ClassifierOptions withDevice(String value) {
        return toBuilder().device(value).build();
    }

    /**
     * @return the most texts one forward pass takes
     */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /**
     * @return the most tokens scored per text; 0 = the bundle's max length
     */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * @return the threshold override, or null
     */
    public Float threshold() {
        return threshold;
    }

    /**
     * @return the device choice
     */
    public String device() {
        return device;
    }

    /** Collects settings; {@link #build()} checks them all at once. */
    public static final class Builder {
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxTokens;
        private Float threshold;
        private String device = DEFAULT_DEVICE;
        private int tokenBudget = DEFAULT_TOKEN_BUDGET;

        private Builder() {}

        /**
         * @param value the most texts one forward pass takes, at least 1
         * @return this builder
         */
        public Builder maxBatchSize(int value) {
            this.maxBatchSize = value;
            return this;
        }

        /**
         * @param value the most tokens one forward pass takes, at least 1: the sum of its texts'
         *     tokens when they are packed several to a row (last-token pooling), texts x max tokens
         *     when they are padded to that length (book pooling); a text longer than this still
         *     gets a pass of its own
         * @return this builder
         */
        public Builder tokenBudget(int value) {
            this.tokenBudget = value;
            return this;
        }

        /**
         * @param value how many tokens of each text the model reads (the start is kept; a longer
         *     text is cut), at most the bundle's max length; 0 = the bundle's max length
         * @return this builder
         */
        public Builder maxTokens(int value) {
            this.maxTokens = value;
            return this;
        }

        /**
         * @param value the decision threshold in [0, 1] instead of the bundle's; null = the
         *     bundle's
         * @return this builder
         */
        public Builder threshold(Float value) {
            this.threshold = value;
            return this;
        }

        /**
         * @param value {@code auto} (a GPU when DJL sees one), {@code cpu} or {@code gpu}; checked
         *     when the model is opened
         * @return this builder
         */
        public Builder device(String value) {
            this.device = value;
            return this;
        }

        /**
         * Checks every setting, in the order of the setters above.
         *
         * @return the options
         * @throws InvalidOptionException naming the first setting that is out of range
         */
        public ClassifierOptions build() {
            if (maxBatchSize < 1) {
                throw new InvalidOptionException(
                        Setting.MAX_BATCH_SIZE, "must be at least 1, got " + maxBatchSize);
            }
            if (tokenBudget < 1) {
                throw new InvalidOptionException(
                        Setting.TOKEN_BUDGET, "must be at least 1, got " + tokenBudget);
            }
            if (maxTokens < 0) {
                throw new InvalidOptionException(
                        Setting.MAX_TOKENS, "must not be negative, got " + maxTokens);
            }
            if (threshold != null && !(threshold >= 0f && threshold <= 1f)) { // also false for NaN
                throw new InvalidOptionException(
                        Setting.THRESHOLD, "must be in [0, 1], got " + threshold);
            }
            return new ClassifierOptions(this);
        }
    }
}
