package dev.spamgpt.core.feedback;

import java.nio.charset.StandardCharsets;

/** Reports for tests: distinct, valid, with an optional raw message. */
final class Reports {

    private Reports() {}

    static FeedbackReport report(int n, boolean withRaw) {
        String text = "Subject: message " + n + "\n\nbody of message number " + n;
        return FeedbackReport.builder()
                .id("event-" + n)
                .label(n % 2 == 0 ? FeedbackLabel.SPAM : FeedbackLabel.HAM)
                .user("user" + (n % 3) + "@example.org")
                .reportedAt("2026-12-02T10:00:" + String.format("%02d", n % 60) + "Z")
                .fromMailbox(n % 2 == 0 ? "INBOX" : "Spam")
                .toMailbox(n % 2 == 0 ? "Spam" : "INBOX")
                .deliveryVerdict(n % 4 == 0 ? "spam" : "ham")
                .deliveryScore(0.25)
                .deliveryModel("spamgpt/1")
                .text(text)
                .raw(
                        withRaw
                                ? ("Subject: message " + n + "\r\n\r\nraw " + n)
                                        .getBytes(StandardCharsets.UTF_8)
                                : null)
                .build();
    }
}
