package dev.spamgpt.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-2 with its LM head replaced by a classifier ({@code score}), read at one position per
 * sequence: the last real token (SpamGPT's default) or the last position (the book's padding).
 */
public final class Gpt2ForClassification extends FixedShapeBlock {

    /** Outputs of the spam head: 0 = ham, 1 = spam. */
    public static final int NUM_CLASSES = 2;

    private final Gpt2Model transformer;
    private final ClassificationHead score;

    /**
     * Puts a new head on a transformer.
     *
     * @param transformer the GPT-2 body
     * @param score the head
     */
    public Gpt2ForClassification(Gpt2Model transformer, ClassificationHead score) {
        this.transformer = addChildBlock("transformer", transformer);
        this.score = addChildBlock("score", score);
    }

    /**
     * Creates a classifier with random weights everywhere.
     *
     * @param config the model size
     * @param manager owns the weights
     * @return the initialised classifier
     */
    public static Gpt2ForClassification random(GptConfig config, NDManager manager) {
        Gpt2ForClassification model =
                new Gpt2ForClassification(
                        new Gpt2Model(config),
                        new ClassificationHead(config.embDim(), NUM_CLASSES));
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        return model;
    }

    /**
     * Classifies a batch.
     *
     * @param ids int64 token ids of shape (B, T), right-padded
     * @param lastIndex int64 shape (B): the position to read in each row
     * @param training whether dropout is active
     * @return logits of shape (B, 2)
     */
    public NDArray forward(NDArray ids, NDArray lastIndex, boolean training) {
        return classify(transformer.forward(ids, training), lastIndex);
    }

    /**
     * Classifies texts packed several to a row.
     *
     * @param ids int64 token ids of shape (B, T)
     * @param positions int64 position of each token within its own text, shape (B, T)
     * @param mask keeps each text's attention inside the text, broadcastable to (B, nh, T, T)
     * @param readIndex int64 shape (N): for each of the N texts, {@code row * T + position} of the
     *     token it is read at
     * @return logits of shape (N, 2)
     */
    public NDArray forwardPacked(NDArray ids, NDArray positions, NDArray mask, NDArray readIndex) {
        NDArray hidden = transformer.forward(ids, positions, mask, false);
        long c = hidden.getShape().get(2);
        long n = readIndex.getShape().get(0);
        NDArray flat = hidden.reshape(-1, c);
        return score.forward(flat.gather(readIndex.reshape(n, 1).broadcast(n, c), 0));
    }

    /**
     * Reads each row's hidden state at its pooling position and applies the head.
     *
     * @param hidden hidden states after {@code ln_f}, shape (B, T, C)
     * @param lastIndex int64 shape (B)
     * @return logits of shape (B, 2)
     */
    public NDArray classify(NDArray hidden, NDArray lastIndex) {
        return score.forward(pool(hidden, lastIndex));
    }

    /**
     * Picks {@code hidden[b, lastIndex[b], :]} for every row b.
     *
     * @param hidden shape (B, T, C)
     * @param lastIndex int64 shape (B)
     * @return shape (B, C)
     */
    public static NDArray pool(NDArray hidden, NDArray lastIndex) {
        Shape s = hidden.getShape();
        long b = s.get(0);
        long c = s.get(2);
        NDArray index = lastIndex.reshape(b, 1, 1).broadcast(b, 1, c);
        return hidden.gather(index, 1).reshape(b, c);
    }

    /**
     * Returns every weight under its Hugging Face name: the transformer's keys ({@code wte.weight},
     * {@code h.0...}) and {@code score.weight}, {@code score.bias}.
     *
     * @return an insertion-ordered, unmodifiable map
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>(transformer.namedParameters());
        Gpt2Model.collect("score.", score, out);
        return Collections.unmodifiableMap(out);
    }

    /**
     * @return the GPT-2 body
     */
    public Gpt2Model transformer() {
        return transformer;
    }

    /**
     * @return the classifier head
     */
    public ClassificationHead score() {
        return score;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.get(0), inputs.get(1), training));
    }

    /** Token ids (B, T) give logits (B, 2). */
    @Override
    Shape outputShape(Shape input) {
        return new Shape(input.get(0), NUM_CLASSES);
    }
}
