/**
 * Reading GPT-2 checkpoints: the safetensors format, named weights, and a Hugging Face folder
 * turned into a {@code Gpt2Model}. Downloading one is the trainer's business.
 */
package dev.spamgpt.core.checkpoint;
