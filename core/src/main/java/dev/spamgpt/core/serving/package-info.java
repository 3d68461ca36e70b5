/**
 * Serving a model that changes while it serves: {@link dev.spamgpt.core.serving.LiveModel} swaps
 * the scorer between calls and frees the old one once its last call has returned, {@link
 * dev.spamgpt.core.serving.ModelReloader} watches a bundle folder or a model repository and loads,
 * verifies and warms up what appears there, and {@link dev.spamgpt.core.serving.ShadowScorer}
 * scores live traffic with a candidate on the side without deciding anything.
 */
package dev.spamgpt.core.serving;
