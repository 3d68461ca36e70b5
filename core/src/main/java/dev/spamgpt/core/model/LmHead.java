package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;

/**
 * GPT-2's language-model head: next-token logits from the token embeddings themselves ({@code
 * lm_head.weight} is tied to {@code wte.weight}), with no bias.
 */
public final class LmHead {

    private final Embedding wte;

    /**
     * Ties the head to a model's token embeddings.
     *
     * @param model the transformer
     */
    public LmHead(Gpt2Model model) {
        this.wte = model.wte();
    }

    /**
     * Computes logits.
     *
     * @param hidden hidden states of shape (..., C)
     * @return logits of shape (..., V)
     */
    public NDArray forward(NDArray hidden) {
        return hidden.getNDArrayInternal()
                .linear(hidden, wte.weight().getArray(), null)
                .singletonOrThrow();
    }
}
