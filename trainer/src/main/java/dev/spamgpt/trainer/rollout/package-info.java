/**
 * Model rollout from the trainer's side: the promotion gate that decides whether a candidate may
 * replace the model in service of a {@link dev.spamgpt.core.repository.ModelRepository}.
 */
package dev.spamgpt.trainer.rollout;
