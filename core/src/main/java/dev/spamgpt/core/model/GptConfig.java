package dev.spamgpt.core.model;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The size of a GPT-2: the fields of a Hugging Face {@code config.json} that shape the network.
 *
 * <p>Presets: {@code gpt2-small} (124M), {@code gpt2-medium} (355M), {@code gpt2-large} (774M),
 * {@code gpt2-xl} (1.5B), and {@code tiny}, a small model with the full GPT-2 vocabulary that
 * trains on two CPU cores in minutes.
 */
public final class GptConfig {

    /** GPT-2's vocabulary size: 50,000 merges, 256 byte tokens and {@code <|endoftext|>}. */
    public static final int GPT2_VOCAB_SIZE = 50257;

    // Bounds well above GPT-2 XL (50257, 1024, 1600, 48, 25) that keep every size an int and
    // turn a corrupt or hostile config into a clear error instead of a huge allocation.
    /** The most tokens {@code vocab_size} may have. */
    public static final int MAX_VOCAB_SIZE = 1 << 20;

    /** The longest context {@code n_positions} may give. */
    public static final int MAX_POSITIONS = 1 << 16;

    /** The widest residual stream {@code n_embd} may give. */
    public static final int MAX_EMB_DIM = 8192;

    /** The most blocks {@code n_layer} may give. */
    public static final int MAX_LAYERS = 256;

    /** The most values of one weight: its F32 bytes must fit the 2 GiB a tensor is read in. */
    public static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE / 4;

    private final int vocabSize;
    private final int contextLength;
    private final int embDim;
    private final int nLayers;
    private final int nHeads;
    private final float layerNormEps;
    private final float dropRate;

    /**
     * Creates a configuration.
     *
     * @param vocabSize tokens in the vocabulary ({@code vocab_size})
     * @param contextLength positions the model can attend over ({@code n_positions})
     * @param embDim width of the residual stream ({@code n_embd})
     * @param nLayers transformer blocks ({@code n_layer})
     * @param nHeads attention heads per block ({@code n_head}); must divide embDim
     * @param layerNormEps epsilon of every LayerNorm ({@code layer_norm_epsilon})
     * @param dropRate dropout on embeddings, attention and residuals while training
     */
    public GptConfig(
            int vocabSize,
            int contextLength,
            int embDim,
            int nLayers,
            int nHeads,
            float layerNormEps,
            float dropRate) {
        checkRange("vocab_size", vocabSize, MAX_VOCAB_SIZE);
        checkRange("n_positions", contextLength, MAX_POSITIONS);
        checkRange("n_embd", embDim, MAX_EMB_DIM);
        checkRange("n_layer", nLayers, MAX_LAYERS);
        checkRange("n_head", nHeads, embDim);
        check(
                embDim % nHeads == 0,
                "n_embd (" + embDim + ") must be a multiple of n_head (" + nHeads + ")");
        long widest = Math.max(Math.max((long) vocabSize, contextLength), 4L * embDim) * embDim;
        check(
                widest <= MAX_TENSOR_VALUES,
                "the largest weight of vocab_size "
                        + vocabSize
                        + ", n_positions "
                        + contextLength
                        + " and n_embd "
                        + embDim
                        + " has "
                        + widest
                        + " values, more than the "
                        + MAX_TENSOR_VALUES
                        + " one safetensors tensor of F32 can hold here");
        check(
                layerNormEps > 0 && layerNormEps < 1,
                "layer_norm_epsilon must be a number in (0, 1), got " + layerNormEps);
        check(
                dropRate >= 0 && dropRate < 1,
                "dropout (resid_pdrop) must be in [0, 1), got " + dropRate);
        this.vocabSize = vocabSize;
        this.contextLength = contextLength;
        this.embDim = embDim;
        this.nLayers = nLayers;
        this.nHeads = nHeads;
        this.layerNormEps = layerNormEps;
        this.dropRate = dropRate;
    }

    /**
     * Returns a named preset.
     *
     * @param name {@code gpt2-small} (alias {@code small}, {@code gpt2}), {@code gpt2-medium},
     *     {@code gpt2-large}, {@code gpt2-xl} or {@code tiny}
     * @return the configuration, with dropout 0
     * @throws IllegalArgumentException for an unknown name
     */
    public static GptConfig preset(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny":
                return new GptConfig(GPT2_VOCAB_SIZE, 256, 64, 2, 2, 1e-5f, 0f);
            case "small":
            case "gpt2":
            case "gpt2-small":
                return gpt2(768, 12, 12);
            case "medium":
            case "gpt2-medium":
                return gpt2(1024, 24, 16);
            case "large":
            case "gpt2-large":
                return gpt2(1280, 36, 20);
            case "xl":
            case "gpt2-xl":
                return gpt2(1600, 48, 25);
            default:
                throw new IllegalArgumentException(
                        "unknown model preset '"
                                + name
                                + "': use tiny, gpt2-small, gpt2-medium, gpt2-large or gpt2-xl");
        }
    }

    /** One of OpenAI's GPT-2 sizes: the full vocabulary, a context of 1,024, no dropout. */
    private static GptConfig gpt2(int embDim, int nLayers, int nHeads) {
        return new GptConfig(GPT2_VOCAB_SIZE, 1024, embDim, nLayers, nHeads, 1e-5f, 0f);
    }

    /**
     * Reads the architecture from the fields of a Hugging Face GPT-2 {@code config.json}.
     *
     * @param hf the parsed JSON object
     * @return the configuration
     * @throws IllegalArgumentException when a required field is missing or out of range
     */
    public static GptConfig fromHfConfig(Map<String, ?> hf) {
        Object type = hf.get("model_type");
        check(type == null || "gpt2".equals(type), "model_type is '" + type + "', expected 'gpt2'");
        int embDim = integer(hf, "n_embd", null, MAX_EMB_DIM);
        // n_ctx is the older name; n_positions wins when both are there.
        int positions =
                hf.get("n_positions") != null
                        ? integer(hf, "n_positions", null, MAX_POSITIONS)
                        : integer(hf, "n_ctx", 1024, MAX_POSITIONS);
        return new GptConfig(
                integer(hf, "vocab_size", GPT2_VOCAB_SIZE, MAX_VOCAB_SIZE),
                positions,
                embDim,
                integer(hf, "n_layer", null, MAX_LAYERS),
                integer(hf, "n_head", null, embDim),
                (float) fraction(hf, "layer_norm_epsilon", 1e-5, false),
                (float) fraction(hf, "resid_pdrop", 0.0, true));
    }

    /**
     * Returns the Hugging Face {@code config.json} fields of this architecture.
     *
     * @return an ordered map ready to be written as JSON
     */
    public Map<String, Object> toHfConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", "gpt2");
        m.put("architectures", new String[] {"GPT2LMHeadModel"});
        m.put("vocab_size", vocabSize);
        m.put("n_positions", contextLength);
        m.put("n_ctx", contextLength);
        m.put("n_embd", embDim);
        m.put("n_layer", nLayers);
        m.put("n_head", nHeads);
        m.put("layer_norm_epsilon", (double) layerNormEps);
        m.put("activation_function", "gelu_new");
        m.put("resid_pdrop", (double) dropRate);
        m.put("embd_pdrop", (double) dropRate);
        m.put("attn_pdrop", (double) dropRate);
        m.put("bos_token_id", GPT2_VOCAB_SIZE - 1);
        m.put("eos_token_id", GPT2_VOCAB_SIZE - 1);
        return m;
    }

    /**
     * Returns a copy with another dropout rate.
     *
     * @param rate the new rate
     * @return the new configuration
     */
    public GptConfig withDropRate(float rate) {
        return new GptConfig(vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEps, rate);
    }

    /**
     * @return {@code vocab_size}
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * @return {@code n_positions}, the longest sequence the model accepts
     */
    public int contextLength() {
        return contextLength;
    }

    /**
     * @return {@code n_embd}
     */
    public int embDim() {
        return embDim;
    }

    /**
     * @return {@code n_layer}
     */
    public int nLayers() {
        return nLayers;
    }

    /**
     * @return {@code n_head}
     */
    public int nHeads() {
        return nHeads;
    }

    /**
     * @return the width of one attention head
     */
    public int headDim() {
        return embDim / nHeads;
    }

    /**
     * @return {@code layer_norm_epsilon}
     */
    public float layerNormEps() {
        return layerNormEps;
    }

    /**
     * @return the dropout rate used while training
     */
    public float dropRate() {
        return dropRate;
    }

    /**
     * @return the number of weights of the transformer, the tied LM head counted once
     */
    public long parameterCount() {
        long c = embDim;
        long perBlock =
                2 * (2 * c)
                        + (c * 3 * c + 3 * c)
                        + (c * c + c)
                        + (c * 4 * c + 4 * c)
                        + (4 * c * c + c);
        return (long) vocabSize * c + (long) contextLength * c + nLayers * perBlock + 2 * c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GptConfig)) {
            return false;
        }
        GptConfig g = (GptConfig) o;
        return vocabSize == g.vocabSize
                && contextLength == g.contextLength
                && embDim == g.embDim
                && nLayers == g.nLayers
                && nHeads == g.nHeads
                && Float.compare(layerNormEps, g.layerNormEps) == 0
                && Float.compare(dropRate, g.dropRate) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEps, dropRate);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "GptConfig[vocab=%d, ctx=%d, emb=%d, layers=%d, heads=%d, eps=%s, drop=%s,"
                        + " params=%.1fM]",
                vocabSize,
                contextLength,
                embDim,
                nLayers,
                nHeads,
                layerNormEps,
                dropRate,
                parameterCount() / 1e6);
    }

    /**
     * Reads a whole number in 1..max. A fractional value is refused, not truncated: 64.9 is not a
     * width, and a cast would turn 1e400 or 2^40 into Integer.MAX_VALUE without a word.
     */
    private static int integer(Map<String, ?> hf, String key, Integer dflt, int max) {
        Object v = hf.get(key);
        if (v == null) {
            check(dflt != null, "the architecture lacks the number '" + key + "'");
            return dflt;
        }
        check(v instanceof Number, "'" + key + "' is not a number: " + v);
        String range = " must be a whole number in 1.." + max + ", got " + v;
        BigDecimal value;
        try {
            value = new BigDecimal(v.toString());
        } catch (NumberFormatException e) { // Infinity or NaN
            throw new IllegalArgumentException("'" + key + "'" + range, e);
        }
        check(value.stripTrailingZeros().scale() <= 0, "'" + key + "'" + range);
        check(
                value.compareTo(BigDecimal.ONE) >= 0
                        && value.compareTo(BigDecimal.valueOf(max)) <= 0,
                "'" + key + "'" + range);
        return value.intValueExact();
    }

    /** Reads a finite number in (0, 1), or [0, 1) when zero is allowed. */
    private static double fraction(
            Map<String, ?> hf, String key, double dflt, boolean zeroAllowed) {
        Object v = hf.get(key);
        if (v == null) {
            return dflt;
        }
        check(v instanceof Number, "'" + key + "' is not a number: " + v);
        double d = ((Number) v).doubleValue();
        // A positive double below Float.MIN_VALUE would become 0 as a float.
        boolean ok = Double.isFinite(d) && d < 1 && (zeroAllowed ? d >= 0 : (float) d > 0);
        check(
                ok,
                "'"
                        + key
                        + "' must be a number in "
                        + (zeroAllowed ? "[0, 1)" : "(0, 1)")
                        + ", got "
                        + v);
        return d;
    }

    private static void checkRange(String key, int value, int max) {
        check(value >= 1 && value <= max, key + " must be in 1.." + max + ", got " + value);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
