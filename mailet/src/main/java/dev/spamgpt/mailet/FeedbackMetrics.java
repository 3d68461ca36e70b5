package dev.spamgpt.mailet;

import dev.spamgpt.core.feedback.FeedbackLabel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The feedback listener's meters, in the registry the mailet serves: {@code
 * spamgpt_feedback_reports_total{label, known, implicit}} and {@code
 * spamgpt_feedback_failures_total{reason}} ({@code read}: a message that could not be read,
 * skipped; {@code store}: a write the event bus retries; {@code implicit_sweep}: an implicit ham
 * sweep that failed and is covered again by the next one).
 */
final class FeedbackMetrics {

    private final MeterRegistry registry;

    FeedbackMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void report(FeedbackLabel label, boolean alreadyKnown, boolean implicit) {
        Counter.builder("spamgpt.feedback.reports")
                .description(
                        "Feedback reports stored, by label, by whether the model knew, and by"
                                + " whether a user moved the message or it stayed in INBOX")
                .tags(
                        "label",
                        label.wireName(),
                        "known",
                        Boolean.toString(alreadyKnown),
                        "implicit",
                        Boolean.toString(implicit))
                .register(registry)
                .increment();
    }

    void failure(String reason) {
        Counter.builder("spamgpt.feedback.failures")
                .description("Feedback reports that could not be read or stored")
                .tags("reason", reason)
                .register(registry)
                .increment();
    }
}
