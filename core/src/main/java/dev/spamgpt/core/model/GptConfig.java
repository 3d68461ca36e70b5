package dev.spamgpt.core.model;

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
    public GptConfig(int vocabSize, int contextLength, int embDim, int nLayers, int nHeads,
            float layerNormEps, float dropRate) {
        check(vocabSize > 0, "vocab_size must be positive, got " + vocabSize);
        check(contextLength > 0, "n_positions must be positive, got " + contextLength);
        check(embDim > 0 && nHeads > 0 && embDim % nHeads == 0,
                "n_embd (" + embDim + ") must be a positive multiple of n_head (" + nHeads + ")");
        check(nLayers > 0, "n_layer must be positive, got " + nLayers);
        check(layerNormEps > 0, "layer_norm_epsilon must be positive");
        check(dropRate >= 0 && dropRate < 1, "dropout must be in [0, 1), got " + dropRate);
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
                return new GptConfig(GPT2_VOCAB_SIZE, 1024, 768, 12, 12, 1e-5f, 0f);
            case "medium":
            case "gpt2-medium":
                return new GptConfig(GPT2_VOCAB_SIZE, 1024, 1024, 24, 16, 1e-5f, 0f);
            case "large":
            case "gpt2-large":
                return new GptConfig(GPT2_VOCAB_SIZE, 1024, 1280, 36, 20, 1e-5f, 0f);
            case "xl":
            case "gpt2-xl":
                return new GptConfig(GPT2_VOCAB_SIZE, 1024, 1600, 48, 25, 1e-5f, 0f);
            default:
                throw new IllegalArgumentException("unknown model preset '" + name
                        + "': use tiny, gpt2-small, gpt2-medium, gpt2-large or gpt2-xl");
        }
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
        check(type == null || "gpt2".equals(type),
                "config.json has model_type '" + type + "', expected 'gpt2'");
        float drop = (float) number(hf, "resid_pdrop", 0.0);
        return new GptConfig(
                (int) number(hf, "vocab_size", GPT2_VOCAB_SIZE),
                (int) number(hf, "n_positions", hf.containsKey("n_ctx") ? number(hf, "n_ctx", 0) : 1024),
                (int) required(hf, "n_embd"),
                (int) required(hf, "n_layer"),
                (int) required(hf, "n_head"),
                (float) number(hf, "layer_norm_epsilon", 1e-5),
                drop);
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

    /** @return {@code vocab_size} */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return {@code n_positions}, the longest sequence the model accepts */
    public int contextLength() {
        return contextLength;
    }

    /** @return {@code n_embd} */
    public int embDim() {
        return embDim;
    }

    /** @return {@code n_layer} */
    public int nLayers() {
        return nLayers;
    }

    /** @return {@code n_head} */
    public int nHeads() {
        return nHeads;
    }

    /** @return the width of one attention head */
    public int headDim() {
        return embDim / nHeads;
    }

    /** @return {@code layer_norm_epsilon} */
    public float layerNormEps() {
        return layerNormEps;
    }

    /** @return the dropout rate used while training */
    public float dropRate() {
        return dropRate;
    }

    /** @return the number of weights of the transformer, the tied LM head counted once */
    public long parameterCount() {
        long c = embDim;
        long perBlock = 2 * (2 * c) + (c * 3 * c + 3 * c) + (c * c + c) + (c * 4 * c + 4 * c) + (4 * c * c + c);
        return (long) vocabSize * c + (long) contextLength * c + nLayers * perBlock + 2 * c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GptConfig)) {
            return false;
        }
        GptConfig g = (GptConfig) o;
        return vocabSize == g.vocabSize && contextLength == g.contextLength && embDim == g.embDim
                && nLayers == g.nLayers && nHeads == g.nHeads
                && Float.compare(layerNormEps, g.layerNormEps) == 0
                && Float.compare(dropRate, g.dropRate) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEps, dropRate);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "GptConfig[vocab=%d, ctx=%d, emb=%d, layers=%d, heads=%d, eps=%s, drop=%s, params=%.1fM]",
                vocabSize, contextLength, embDim, nLayers, nHeads, layerNormEps, dropRate,
                parameterCount() / 1e6);
    }

    private static double required(Map<String, ?> hf, String key) {
        check(hf.get(key) instanceof Number, "config.json lacks the number '" + key + "'");
        return ((Number) hf.get(key)).doubleValue();
    }

    private static double number(Map<String, ?> hf, String key, double dflt) {
        Object v = hf.get(key);
        if (v == null) {
            return dflt;
        }
        check(v instanceof Number, "config.json field '" + key + "' is not a number: " + v);
        return ((Number) v).doubleValue();
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
