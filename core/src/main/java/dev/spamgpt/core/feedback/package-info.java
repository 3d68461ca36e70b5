/**
 * Users' feedback: a {@link dev.spamgpt.core.feedback.FeedbackReport} says that one user moved one
 * message into or out of the Spam folder, and a {@link dev.spamgpt.core.feedback.FeedbackStore}
 * keeps such reports for the trainer. The mailet's listener writes them; {@code prepare} reads them
 * back. The report format lives here, in one place, because both sides must agree on it.
 */
package dev.spamgpt.core.feedback;
