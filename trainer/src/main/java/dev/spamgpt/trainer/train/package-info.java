/**
 * Fine-tuning: the training loop, AdamW, the choice of trainable layers and the cache of the frozen
 * layers' activations.
 */
package dev.spamgpt.trainer.train;
