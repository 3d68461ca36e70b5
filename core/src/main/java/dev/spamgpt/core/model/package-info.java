/**
 * GPT-2 in DJL, one class per block of the architecture, with parameter names equal to the Hugging
 * Face checkpoint keys ({@code wte}, {@code wpe}, {@code h.N.attn.c_attn}, {@code ln_f}, and the
 * classifier's {@code score}).
 */
package dev.spamgpt.core.model;
