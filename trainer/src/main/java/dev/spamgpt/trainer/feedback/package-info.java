/**
 * Users' feedback as training data: {@link dev.spamgpt.trainer.feedback.FeedbackGuards} turns the
 * reports of a feedback store into labelled examples, one per message, so that one user, one
 * message or one mistake cannot steer the model.
 */
package dev.spamgpt.trainer.feedback;
