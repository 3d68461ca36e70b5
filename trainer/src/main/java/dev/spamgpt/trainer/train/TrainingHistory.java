package dev.spamgpt.trainer.train;

import java.util.List;

/**
 * What a run recorded: the periodic evaluations and the per-epoch accuracies, as the book plots.
 *
 * @param evaluations one point every {@code evalFreq} steps
 * @param epochs one point at the end of each epoch
 * @param stepLosses the loss of every training batch, in step order
 * @param steps optimizer steps taken
 * @param examplesSeen training examples processed
 * @param seconds wall time of the training loop, activation cache included
 * @param cacheSeconds wall time spent filling the activation cache (0 without a cache)
 */
public record TrainingHistory(
        List<EvalPoint> evaluations,
        List<EpochPoint> epochs,
        float[] stepLosses,
        long steps,
        long examplesSeen,
        double seconds,
        double cacheSeconds) {

    /**
     * Losses and accuracies on {@code evalIter} batches of each split.
     *
     * @param epoch 1-based
     * @param step 0-based global step
     * @param examplesSeen training examples processed before this evaluation
     * @param trainLoss mean batch loss on training batches
     * @param validationLoss mean batch loss on validation batches
     * @param trainAccuracy fraction correct on those training batches
     * @param validationAccuracy fraction correct on those validation batches
     */
    public record EvalPoint(
            int epoch,
            long step,
            long examplesSeen,
            double trainLoss,
            double validationLoss,
            double trainAccuracy,
            double validationAccuracy) {}

    /**
     * The book's end-of-epoch accuracies.
     *
     * @param epoch 1-based
     * @param examplesSeen training examples processed by the end of the epoch
     * @param trainAccuracy fraction correct on {@code evalIter} training batches
     * @param validationAccuracy fraction correct on {@code evalIter} validation batches
     */
    public record EpochPoint(
            int epoch, long examplesSeen, double trainAccuracy, double validationAccuracy) {}
}
