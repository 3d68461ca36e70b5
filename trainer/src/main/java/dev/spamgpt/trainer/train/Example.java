package dev.spamgpt.trainer.train;

import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.trainer.data.LabelledText;
import java.util.ArrayList;
import java.util.List;

/**
 * One tokenized, labelled message.
 *
 * @param ids GPT-2 token ids, at least one (an empty text is the single token 50256)
 * @param label 0 = ham, 1 = spam
 */
public record Example(int[] ids, int label) {

    /**
     * Checks the arguments.
     *
     * @param ids the token ids
     * @param label the label
     */
    public Example {
        if (ids.length == 0) {
            throw new IllegalArgumentException("an example needs at least one token");
        }
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 (ham) or 1 (spam), got " + label);
        }
    }

    /**
     * Tokenizes texts as the scorer does: the start of each text, at most {@code maxTokens} tokens,
     * and an empty text as the single token {@code <|endoftext|>}.
     *
     * @param rows the labelled texts
     * @param maxTokens the most tokens per text
     * @return the examples, in the same order
     */
    public static List<Example> tokenize(List<LabelledText> rows, int maxTokens) {
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.get();
        List<Example> out = new ArrayList<>(rows.size());
        for (LabelledText row : rows) {
            int[] ids = tokenizer.encode(row.text(), maxTokens);
            out.add(
                    new Example(
                            ids.length == 0 ? new int[] {Gpt2Tokenizer.END_OF_TEXT} : ids,
                            row.label()));
        }
        return out;
    }

    /**
     * Returns the longest example.
     *
     * @param examples the examples
     * @return the most tokens of any example, 1 for an empty list
     */
    public static int longest(List<Example> examples) {
        int max = 1;
        for (Example e : examples) {
            max = Math.max(max, e.ids().length);
        }
        return max;
    }
}
