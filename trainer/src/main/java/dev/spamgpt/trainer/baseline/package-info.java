/**
 * The lexical baseline reported beside every model: TF-IDF word features and a logistic regression
 * (Tribuo's linear SGD trainer), fitted on the same training split, so that a user sees whether the
 * language model is worth its cost on their data.
 */
package dev.spamgpt.trainer.baseline;
