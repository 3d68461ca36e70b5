package dev.spamgpt.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The train / validation / test split: a seeded shuffle, then 70% / 10% / the rest (20%), with the
 * book's rounding ({@code int(n * 0.7)}, {@code int(n * 0.1)}): 1,494 examples give 1,045 / 149 /
 * 300.
 *
 * @param train the training examples
 * @param validation the validation examples
 * @param test the test examples
 */
public record DatasetSplit(
        List<LabelledText> train, List<LabelledText> validation, List<LabelledText> test) {

    /** The share of the training set. */
    public static final double TRAIN_FRACTION = 0.7;

    /** The share of the validation set; the test set gets the rest. */
    public static final double VALIDATION_FRACTION = 0.1;

    /** Makes the lists unmodifiable copies. */
    public DatasetSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /**
     * Shuffles a copy of the examples with the seed and cuts it 70/10/20.
     *
     * @param examples the examples
     * @param seed the shuffle seed
     * @return the split
     */
    public static DatasetSplit of(List<LabelledText> examples, long seed) {
        List<LabelledText> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(seed));
        int n = shuffled.size();
        // The same double arithmetic as Python's int(len(df) * 0.7).
        int trainEnd = (int) (n * TRAIN_FRACTION);
        int validationEnd = trainEnd + (int) (n * VALIDATION_FRACTION);
        return new DatasetSplit(
                shuffled.subList(0, trainEnd),
                shuffled.subList(trainEnd, validationEnd),
                shuffled.subList(validationEnd, n));
    }
}
