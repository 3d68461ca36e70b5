package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;

/**
 * One pre-LayerNorm transformer block: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}.
 */
public final class Block extends FixedShapeBlock {

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    /**
     * Creates the block.
     *
     * @param config the model size
     */
    public Block(GptConfig config) {
        ln1 = addChildBlock("ln_1", new LayerNorm(config.embDim(), config.layerNormEps()));
        attn = addChildBlock("attn", new CausalSelfAttention(config));
        ln2 = addChildBlock("ln_2", new LayerNorm(config.embDim(), config.layerNormEps()));
        mlp = addChildBlock("mlp", new Mlp(config));
    }

    /**
     * Applies the block.
     *
     * @param x residual stream of shape (B, T, C)
     * @param training whether dropout is active
     * @return the updated residual stream, same shape
     */
    @Override
    public NDArray forward(NDArray x, boolean training) {
        return forward(x, null, training);
    }

    /**
     * Applies the block with an attention mask.
     *
     * @param x residual stream of shape (B, T, C)
     * @param mask see {@link CausalSelfAttention#forward(NDArray, NDArray, boolean)}; null for
     *     causal
     * @param training whether dropout is active
     * @return the updated residual stream, same shape
     */
    public NDArray forward(NDArray x, NDArray mask, boolean training) {
        x = x.add(attn.forward(ln1.forward(x), mask, training));
        return x.add(mlp.forward(ln2.forward(x), training));
    }

    /**
     * @return {@code ln_1}
     */
    public LayerNorm ln1() {
        return ln1;
    }

    /**
     * @return {@code attn}
     */
    public CausalSelfAttention attn() {
        return attn;
    }

    /**
     * @return {@code ln_2}
     */
    public LayerNorm ln2() {
        return ln2;
    }

    /**
     * @return {@code mlp}
     */
    public Mlp mlp() {
        return mlp;
    }
}
