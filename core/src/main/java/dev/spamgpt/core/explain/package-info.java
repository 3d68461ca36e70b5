/**
 * Why a model gave a text its score: {@link dev.spamgpt.core.explain.OcclusionExplainer} deletes
 * each span of the text in turn and measures how the model's own score moves.
 */
package dev.spamgpt.core.explain;
