package dev.spamgpt.trainer.train;

/**
 * Settings of one fine-tuning run. {@link #book()} gives the values of the book's chapter 6.
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step; the last incomplete batch of an epoch is dropped
 * @param learningRate AdamW's learning rate
 * @param weightDecay AdamW's decoupled weight decay
 * @param seed seeds the weight initialisation and the shuffles
 * @param evalFreq evaluate every this many steps (step 0 included)
 * @param evalIter batches of each split used by those evaluations
 */
public record TrainOptions(
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        int seed,
        int evalFreq,
        int evalIter) {

    /**
     * Checks the values.
     *
     * @param epochs passes
     * @param batchSize examples per step
     * @param learningRate learning rate
     * @param weightDecay weight decay
     * @param seed the seed
     * @param evalFreq steps between evaluations
     * @param evalIter batches per evaluation
     */
    public TrainOptions {
        if (epochs < 1 || batchSize < 1 || evalFreq < 1 || evalIter < 1) {
            throw new IllegalArgumentException(
                    "epochs, batch size, eval frequency and eval batches must be" + " at least 1");
        }
        if (!(learningRate > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "the learning rate must be > 0 and the weight decay >= 0");
        }
    }

    /**
     * @return 5 epochs, batch 8, lr 5e-5, weight decay 0.1, seed 123, eval every 50 steps on 5
     *     batches
     */
    public static TrainOptions book() {
        return new TrainOptions(5, 8, 5e-5, 0.1, 123, 50, 5);
    }
}
