/**
 * The model bundle: the folder that {@code train} exports and that every serving front end loads,
 * with its manifest (labels, threshold, pooling, token budget) and the SHA-256 of each file.
 */
package dev.spamgpt.core.bundle;
