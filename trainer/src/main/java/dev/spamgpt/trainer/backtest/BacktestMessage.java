package dev.spamgpt.trainer.backtest;

import dev.spamgpt.trainer.data.ReadResult;

/**
 * One message of a replayed source.
 *
 * @param id where it came from: a file path, {@code mbox#index}, {@code topic-partition@offset} or
 *     a feedback report id
 * @param group the label or folder it is counted under: {@code ham}, {@code spam}, a folder name,
 *     or {@code unlabelled}
 * @param label {@link dev.spamgpt.trainer.data.LabelledText#HAM}, {@code SPAM} or {@link
 *     ReadResult#UNLABELLED}
 * @param text the text the models read
 */
public record BacktestMessage(String id, String group, int label, String text) {

    /** The group of messages that have neither a label nor a folder. */
    public static final String UNLABELLED = "unlabelled";
}
