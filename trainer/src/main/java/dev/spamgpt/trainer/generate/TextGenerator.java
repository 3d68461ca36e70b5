package dev.spamgpt.trainer.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.model.LmHead;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Djl;
import java.util.Arrays;
import java.util.Random;

/**
 * Continues a token sequence with GPT-2's language-model head, one token at a time, as the book
 * does before fine-tuning to check that the pretrained weights load: greedy by default, or sampled
 * with a temperature and an optional top-k cut, from a seeded generator.
 *
 * <p>The context is cropped to the model's last {@code n_positions} tokens. Each step runs in its
 * own NDManager scope, so memory stays flat however many tokens are generated, and autograd is off
 * on the calling thread while it runs. One instance may be used from several threads.
 */
public final class TextGenerator {

    private final Gpt2Model model;
    private final LmHead head;

    /**
     * Creates a generator over a loaded model.
     *
     * @param model the GPT-2, its LM head tied to {@code wte}
     */
    public TextGenerator(Gpt2Model model) {
        this.model = model;
        this.head = new LmHead(model);
    }

    /** How to choose the next token. */
    public static final class Sampling {
        private final float temperature;
        private final int topK;
        private final long seed;

        private Sampling(float temperature, int topK, long seed) {
            if (!(temperature >= 0) || Float.isInfinite(temperature)) {
                throw new IllegalArgumentException(
                        "temperature must be a number >= 0, got " + temperature);
            }
            if (topK < 0) {
                throw new IllegalArgumentException("top-k must be >= 0 (0 = no cut), got " + topK);
            }
            this.temperature = temperature;
            this.topK = topK;
            this.seed = seed;
        }

        /**
         * @return always the most likely token
         */
        public static Sampling greedy() {
            return new Sampling(0f, 0, 0);
        }

        /**
         * Samples from {@code softmax(logits / temperature)}, restricted to the {@code topK} most
         * likely tokens when {@code topK > 0}.
         *
         * @param temperature above 0 to sample; 0 means greedy
         * @param topK how many tokens to keep, 0 for all
         * @param seed the random seed, for repeatable output
         * @return the sampling settings
         */
        public static Sampling of(float temperature, int topK, long seed) {
            return new Sampling(temperature, topK, seed);
        }

        /**
         * @return true when the most likely token is always taken
         */
        public boolean isGreedy() {
            return temperature == 0f;
        }
    }

    /**
     * Continues greedily.
     *
     * @param promptIds the prompt's token ids; an empty prompt starts from {@code <|endoftext|>}
     * @param maxNewTokens how many tokens to add
     * @return only the new token ids, {@code maxNewTokens} of them
     */
    public int[] generate(int[] promptIds, int maxNewTokens) {
        return generate(promptIds, maxNewTokens, Sampling.greedy());
    }

    /**
     * Continues a token sequence.
     *
     * @param promptIds the prompt's token ids; an empty prompt starts from {@code <|endoftext|>}
     * @param maxNewTokens how many tokens to add, at least 0
     * @param sampling how to pick each token
     * @return only the new token ids, {@code maxNewTokens} of them
     * @throws IllegalArgumentException for an id outside the vocabulary or a negative count
     */
    public int[] generate(int[] promptIds, int maxNewTokens, Sampling sampling) {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        int vocab = model.config().vocabSize();
        for (int id : promptIds) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException(
                        "token id " + id + " is outside the vocabulary of " + vocab);
            }
        }
        int[] ids = promptIds.length == 0 ? new int[] {Gpt2Tokenizer.END_OF_TEXT} : promptIds;
        long[] tokens = new long[ids.length + maxNewTokens];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = ids[i];
        }
        int length = ids.length;
        Random random = new Random(sampling.seed);
        NDManager parent = model.wte().weight().getArray().getManager();
        Djl.engine();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int step = 0; step < maxNewTokens; step++) {
                float[] logits = nextTokenLogits(parent, tokens, length);
                tokens[length++] = pick(logits, sampling, random);
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        int[] out = new int[maxNewTokens];
        for (int i = 0; i < maxNewTokens; i++) {
            out[i] = (int) tokens[length - maxNewTokens + i];
        }
        return out;
    }

    /**
     * Returns the logits for the token after {@code tokens[0..length)}, seen through the model's
     * context window.
     */
    private float[] nextTokenLogits(NDManager parent, long[] tokens, int length) {
        int context = Math.min(length, model.config().contextLength());
        long[] window = Arrays.copyOfRange(tokens, length - context, length);
        try (NDManager step = parent.newSubManager()) {
            NDArray ids = step.create(window).reshape(1, context); // (1, T)
            NDArray last =
                    model.forward(ids, false).get(":, -1, :"); // (1, C): only the last position
            return head.forward(last).toFloatArray(); // (1, V)
        }
    }

    private static int pick(float[] logits, Sampling sampling, Random random) {
        if (sampling.isGreedy()) {
            return argmax(logits);
        }
        int n = logits.length;
        float cut = Float.NEGATIVE_INFINITY;
        if (sampling.topK > 0 && sampling.topK < n) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cut = sorted[n - sampling.topK];
        }
        float max = logits[argmax(logits)];
        double[] weights = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (logits[i] >= cut) {
                weights[i] = Math.exp((logits[i] - max) / sampling.temperature);
                total += weights[i];
            }
        }
        double r = random.nextDouble() * total;
        int lastKept = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] > 0) {
                lastKept = i;
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
        }
        return lastKept; // rounding left r a hair above 0
    }

    /** The first index of the largest value, like torch.argmax. */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
