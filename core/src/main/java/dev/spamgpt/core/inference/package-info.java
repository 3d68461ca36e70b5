/**
 * Scoring texts with a bundle: {@link dev.spamgpt.core.inference.SpamScorer} is what callers need,
 * {@link dev.spamgpt.core.inference.SpamClassifier} the thread-safe DJL implementation, and {@link
 * dev.spamgpt.core.inference.ClassifierOptions} the one place serving settings are checked.
 */
package dev.spamgpt.core.inference;
