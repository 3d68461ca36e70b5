package dev.spamgpt.trainer.train;

import ai.djl.nn.Parameter;
import dev.spamgpt.core.model.Gpt2ForClassification;
import dev.spamgpt.core.model.Gpt2Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which weights fine-tuning updates; everything else is frozen.
 *
 * <ul>
 *   <li>{@code last-layer}: only the new head {@code score}, as the "last_layer" row of the book's
 *       bonus experiments ({@code ch06/02_bonus_additional-experiments});
 *   <li>{@code last-block} (the book's chapter 6 choice): the last transformer block, {@code ln_f}
 *       and the head;
 *   <li>{@code last-n-blocks N}: the last N blocks, {@code ln_f} and the head;
 *   <li>{@code all}: every weight, embeddings included.
 * </ul>
 *
 * @param kind the family
 * @param blocks for {@link Kind#LAST_BLOCKS}, how many top blocks train (at least 1)
 */
public record TrainableLayers(Kind kind, int blocks) {

    /** The families of choices. */
    public enum Kind {
        /** Only the head. */
        LAST_LAYER,
        /** The top {@code blocks} blocks, {@code ln_f} and the head. */
        LAST_BLOCKS,
        /** Every weight. */
        ALL
    }

    /** The book's default: the last block, {@code ln_f} and the head. */
    public static final TrainableLayers LAST_BLOCK = new TrainableLayers(Kind.LAST_BLOCKS, 1);

    /** Every weight. */
    public static final TrainableLayers EVERYTHING = new TrainableLayers(Kind.ALL, 0);

    /** Only the head. */
    public static final TrainableLayers HEAD_ONLY = new TrainableLayers(Kind.LAST_LAYER, 0);

    /**
     * Checks the arguments.
     *
     * @param kind the family
     * @param blocks the block count of {@link Kind#LAST_BLOCKS}
     */
    public TrainableLayers {
        if (kind == Kind.LAST_BLOCKS && blocks < 1) {
            throw new IllegalArgumentException("last-n-blocks needs N >= 1, got " + blocks);
        }
    }

    /**
     * Parses the words of {@code --trainable}: {@code last-layer}, {@code last-block}, {@code
     * last-n-blocks N} (also {@code last-n-blocks=N}) or {@code all}.
     *
     * @param words one or two words
     * @return the choice
     * @throws IllegalArgumentException on anything else
     */
    public static TrainableLayers parse(List<String> words) {
        String first = words.isEmpty() ? "" : words.get(0).toLowerCase(Locale.ROOT);
        String count = words.size() > 1 ? words.get(1) : null;
        if (first.startsWith("last-n-blocks=")) {
            count = first.substring("last-n-blocks=".length());
            first = "last-n-blocks";
        }
        if (words.size() > 2 || count != null && !first.equals("last-n-blocks")) {
            throw new IllegalArgumentException(
                    "--trainable takes a number only after last-n-blocks, got "
                            + String.join(" ", words));
        }
        switch (first) {
            case "last-layer":
                return HEAD_ONLY;
            case "last-block":
                return LAST_BLOCK;
            case "all":
                return EVERYTHING;
            case "last-n-blocks":
                if (count == null) {
                    throw new IllegalArgumentException(
                            "--trainable last-n-blocks needs a number, e.g. last-n-blocks 2");
                }
                try {
                    return new TrainableLayers(Kind.LAST_BLOCKS, Integer.parseInt(count.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "--trainable last-n-blocks needs a number, got '" + count + "'");
                }
            default:
                throw new IllegalArgumentException(
                        "unknown --trainable '"
                                + String.join(" ", words)
                                + "': use last-layer, last-block, last-n-blocks N or all");
        }
    }

    /**
     * Returns the number of bottom blocks that stay frozen: their output can be cached when the
     * embeddings are frozen too.
     *
     * @param nLayers blocks in the model
     * @return blocks {@code 0 .. result-1} are frozen
     * @throws IllegalArgumentException when N exceeds the model's blocks
     */
    public int frozenBlocks(int nLayers) {
        switch (kind) {
            case ALL:
                return 0;
            case LAST_LAYER:
                return nLayers;
            default:
                if (blocks > nLayers) {
                    throw new IllegalArgumentException(
                            "--trainable last-n-blocks "
                                    + blocks
                                    + " but the model has only "
                                    + nLayers
                                    + " blocks");
                }
                return nLayers - blocks;
        }
    }

    /**
     * @return whether the token and position embeddings train
     */
    public boolean trainsEmbeddings() {
        return kind == Kind.ALL;
    }

    /**
     * @return whether the final LayerNorm {@code ln_f} trains
     */
    public boolean trainsFinalNorm() {
        return kind != Kind.LAST_LAYER;
    }

    /**
     * Freezes every weight outside this choice and unfreezes the rest. DJL does not save freeze
     * state, so call it again after loading weights.
     *
     * @param model the classifier
     * @return the trainable weights by name, in checkpoint order
     */
    public Map<String, Parameter> apply(Gpt2ForClassification model) {
        Gpt2Model body = model.transformer();
        int frozen = frozenBlocks(body.config().nLayers());
        model.freezeParameters(true);
        if (trainsEmbeddings()) {
            body.wte().freezeParameters(false);
            body.wpe().freezeParameters(false);
        }
        for (int i = frozen; i < body.h().size(); i++) {
            body.h().get(i).freezeParameters(false);
        }
        if (trainsFinalNorm()) {
            body.lnF().freezeParameters(false);
        }
        model.score().freezeParameters(false);
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        model.namedParameters()
                .forEach(
                        (name, p) -> {
                            if (p.requiresGradient()) {
                                trainable.put(name, p);
                            }
                        });
        return trainable;
    }

    /**
     * @return the command-line spelling, e.g. {@code last-n-blocks 2}
     */
    @Override
    public String toString() {
        switch (kind) {
            case ALL:
                return "all";
            case LAST_LAYER:
                return "last-layer";
            default:
                return blocks == 1 ? "last-block" : "last-n-blocks " + blocks;
        }
    }
}
