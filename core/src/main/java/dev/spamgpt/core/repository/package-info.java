/**
 * Model rollout: a {@link dev.spamgpt.core.repository.ModelRepository} holds versioned bundles and
 * an atomically replaced pointer to the one in service, with an append-only history. It is in core
 * because serving reads the pointer; promoting and rolling back are the trainer's.
 */
package dev.spamgpt.core.repository;
