package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;
import dev.spamgpt.core.util.Djl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPT-2 transformer (Hugging Face's {@code GPT2Model}): token and position embeddings {@code
 * wte}/{@code wpe}, the blocks {@code h.0 ... h.(n-1)}, and the final {@code ln_f}. It returns
 * hidden states; {@link LmHead} and {@link ClassificationHead} turn them into logits.
 */
public final class Gpt2Model extends FixedShapeBlock {

    private final GptConfig config;
    private final Embedding wte;
    private final Embedding wpe;
    private final List<Block> h;
    private final LayerNorm lnF;

    /**
     * Creates the transformer; call {@link #initialize} or load weights before use.
     *
     * @param config the model size
     */
    public Gpt2Model(GptConfig config) {
        this.config = config;
        wte = addChildBlock("wte", new Embedding(config.vocabSize(), config.embDim()));
        wpe = addChildBlock("wpe", new Embedding(config.contextLength(), config.embDim()));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < config.nLayers(); i++) {
            blocks.add(addChildBlock("h." + i, new Block(config)));
        }
        h = Collections.unmodifiableList(blocks);
        lnF = addChildBlock("ln_f", new LayerNorm(config.embDim(), config.layerNormEps()));
    }

    /**
     * Creates a transformer with random weights (normal, std 0.02; LayerNorms at identity).
     *
     * @param config the model size
     * @param manager owns the weights
     * @return the initialised model
     */
    public static Gpt2Model random(GptConfig config, NDManager manager) {
        Gpt2Model model = new Gpt2Model(config);
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        return model;
    }

    /**
     * Runs the whole transformer.
     *
     * @param ids int64 token ids of shape (B, T), T at most the context length
     * @param training whether dropout is active
     * @return hidden states after {@code ln_f}, shape (B, T, C)
     */
    @Override
    public NDArray forward(NDArray ids, boolean training) {
        return forward(ids, null, null, training);
    }

    /**
     * Runs the whole transformer over rows that may pack several texts each.
     *
     * @param ids int64 token ids of shape (B, T)
     * @param positions int64 position of each token within its own text, shape (B, T); null for 0
     *     ... T-1 in every row
     * @param mask the attention mask, see {@link CausalSelfAttention#forward(NDArray, NDArray,
     *     boolean)}; null for causal
     * @param training whether dropout is active
     * @return hidden states after {@code ln_f}, shape (B, T, C)
     */
    public NDArray forward(NDArray ids, NDArray positions, NDArray mask, boolean training) {
        NDArray x = embed(ids, positions, training);
        return lnF.forward(runBlocks(x, mask, 0, h.size(), training));
    }

    /**
     * Adds token and position embeddings.
     *
     * @param ids int64 token ids of shape (B, T)
     * @param training whether dropout is active
     * @return the residual stream entering block 0, shape (B, T, C)
     */
    public NDArray embed(NDArray ids, boolean training) {
        return embed(ids, null, training);
    }

    private NDArray embed(NDArray ids, NDArray positions, boolean training) {
        long t = ids.getShape().get(1);
        if (positions == null) {
            if (t > config.contextLength()) {
                throw new IllegalArgumentException(
                        "sequence of "
                                + t
                                + " tokens is longer than the model's context of "
                                + config.contextLength());
            }
            positions = ids.getManager().arange(0, (int) t, 1, DataType.INT64);
        }
        NDArray x = wte.forward(ids).add(wpe.forward(positions)); // (B, T, C) + (T, C) or (B, T, C)
        float drop = config.dropRate();
        return training && drop > 0 ? Dropout.dropout(x, drop, true).singletonOrThrow() : x;
    }

    /**
     * Runs blocks {@code from} (inclusive) to {@code to} (exclusive): the trainer caches the output
     * of the frozen lower blocks and runs only the upper ones.
     *
     * @param x residual stream of shape (B, T, C)
     * @param from first block
     * @param to one past the last block
     * @param training whether dropout is active
     * @return the residual stream after block {@code to - 1}
     */
    public NDArray forwardBlocks(NDArray x, int from, int to, boolean training) {
        return runBlocks(x, null, from, to, training);
    }

    private NDArray runBlocks(NDArray x, NDArray mask, int from, int to, boolean training) {
        // Autograd needs every block's intermediates until backward. Without it, only the
        // residual stream has to survive a block: free the rest (the MLP's 4x-wide activations
        // above all) as soon as the block is done, rather than when the caller's scope closes.
        boolean keepIntermediates = training || Djl.recordingGradients();
        for (int i = from; i < to; i++) {
            Block block = h.get(i);
            if (keepIntermediates) {
                x = block.forward(x, mask, training);
                continue;
            }
            NDManager outer = x.getManager();
            try (NDManager blockScope = outer.newSubManager()) {
                x.tempAttach(blockScope); // ops put their results in their first operand's manager
                NDArray y = block.forward(x, mask, false);
                y.attach(outer);
                x = y;
            }
        }
        return x;
    }

    /**
     * Returns every weight under its Hugging Face name ({@code wte.weight}, {@code
     * h.0.attn.c_attn.weight}, ..., {@code ln_f.bias}), in checkpoint order.
     *
     * @return an insertion-ordered, unmodifiable map
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", this, out);
        return Collections.unmodifiableMap(out);
    }

    static void collect(String prefix, ai.djl.nn.Block block, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        int ordinal = 0;
        for (Pair<String, ai.djl.nn.Block> child : block.getChildren()) {
            ordinal++;
            collect(prefix + childName(child.getKey(), ordinal) + ".", child.getValue(), out);
        }
    }

    /**
     * DJL stores the n-th child (from 1) as {@code String.format("%02d%s", n, name)}: "01wte", ...,
     * "99h.96", "100h.97". Dropping a fixed two digits breaks from the 100th child on.
     */
    static String childName(String key, int ordinal) {
        String number = String.format(Locale.ROOT, "%02d", ordinal);
        if (!key.startsWith(number)) {
            throw new IllegalStateException(
                    "child "
                            + ordinal
                            + " is named '"
                            + key
                            + "', not '"
                            + number
                            + "<name>' as DJL names its children");
        }
        return key.substring(number.length());
    }

    /**
     * @return the model size
     */
    public GptConfig config() {
        return config;
    }

    /**
     * @return token embeddings, also the tied LM head
     */
    public Embedding wte() {
        return wte;
    }

    /**
     * @return position embeddings
     */
    public Embedding wpe() {
        return wpe;
    }

    /**
     * @return the transformer blocks, bottom first
     */
    public List<Block> h() {
        return h;
    }

    /**
     * @return the final LayerNorm
     */
    public LayerNorm lnF() {
        return lnF;
    }

    @Override
    Shape outputShape(Shape input) {
        return input.addAll(new Shape(config.embDim()));
    }
}
