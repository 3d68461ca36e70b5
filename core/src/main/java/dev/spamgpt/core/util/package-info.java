/**
 * Small helpers that serving and training share: starting DJL under the right class loader ({@code
 * Djl}), what one input may throw ({@code Failures}), SHA-256 digests, temporary files and the
 * console progress bar.
 */
package dev.spamgpt.core.util;
