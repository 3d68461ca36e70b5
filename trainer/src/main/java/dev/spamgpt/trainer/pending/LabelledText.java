package dev.spamgpt.trainer.pending;

/**
 * Stand-in for {@code dev.spamgpt.trainer.data.LabelledText}.
 *
 * @param text the message
 * @param label 0 = ham, 1 = spam
 */
public record LabelledText(String text, int label) {
}
