package dev.spamgpt.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Balances the classes by undersampling, as chapter 6 of the book does. */
public final class Balancing {

    private Balancing() {}

    /**
     * Keeps every example of the smaller class and a seeded random sample, of the same size, of the
     * larger one (ham, in the SMS collection). The result lists the kept ham first, then the spam,
     * as the book's {@code create_balanced_dataset}; the split shuffles it afterwards.
     *
     * @param examples the examples, in source order
     * @param seed the seed of the shuffle that picks the sample
     * @return a new list with as many ham as spam examples
     */
    public static List<LabelledText> undersample(List<LabelledText> examples, long seed) {
        List<LabelledText> ham = new ArrayList<>();
        List<LabelledText> spam = new ArrayList<>();
        for (LabelledText example : examples) {
            (example.label() == LabelledText.SPAM ? spam : ham).add(example);
        }
        int keep = Math.min(ham.size(), spam.size());
        Random random = new Random(seed);
        if (ham.size() > keep) {
            Collections.shuffle(ham, random);
        }
        if (spam.size() > keep) {
            Collections.shuffle(spam, random);
        }
        List<LabelledText> balanced = new ArrayList<>(2 * keep);
        balanced.addAll(ham.subList(0, keep));
        balanced.addAll(spam.subList(0, keep));
        return balanced;
    }
}
