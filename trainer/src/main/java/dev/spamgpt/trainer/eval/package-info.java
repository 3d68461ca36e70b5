/**
 * What a trained model is worth: binary metrics, the threshold choice, the training report ({@code
 * metrics.json}) and the loss and accuracy plot.
 */
package dev.spamgpt.trainer.eval;
