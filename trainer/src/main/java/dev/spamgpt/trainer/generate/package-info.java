/**
 * Text generation with the base GPT-2 and its tied LM head: the check that pretrained weights load.
 */
package dev.spamgpt.trainer.generate;
