/**
 * Shared core of SpamGPT: model, tokenizer, weight I/O, bundles, classifier and text extraction.
 */
package dev.spamgpt.core;
