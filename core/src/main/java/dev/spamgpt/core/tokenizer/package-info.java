/** The GPT-2 tokenizer ({@code r50k_base}). */
package dev.spamgpt.core.tokenizer;
