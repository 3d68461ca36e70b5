package dev.spamgpt.mailet;

import dev.spamgpt.core.feedback.FeedbackLabel;
import java.io.ByteArrayInputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.mail.MessagingException;
import javax.mail.internet.InternetHeaders;

/**
 * What {@link SpamGptClassifier} wrote into a message at delivery, read back from its stored
 * header: the verdict ({@code spam}, {@code ham}, {@code skipped}, {@code error}), the score and
 * the model id. A message that was never scored has none of them.
 */
final class DeliveryHeaders {

    private static final Pattern SCORE = Pattern.compile("score=([0-9]*\\.?[0-9]+)");

    private final String verdict;
    private final Double score;
    private final String model;

    private DeliveryHeaders(String verdict, Double score, String model) {
        this.verdict = verdict;
        this.score = score;
        this.model = model;
    }

    /**
     * @param raw the stored message (its header block is read; the body is not)
     * @param statusHeader the mailet's status header name
     * @param modelHeader the mailet's model header name
     * @return what the headers say; empty values when they are missing or malformed
     */
    static DeliveryHeaders read(byte[] raw, String statusHeader, String modelHeader) {
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(new ByteArrayInputStream(raw));
        } catch (MessagingException e) {
            return new DeliveryHeaders(null, null, null);
        }
        // The last one is the mailet's: LocalDelivery adds per-recipient headers at the end.
        String status = last(headers.getHeader(statusHeader));
        String model = last(headers.getHeader(modelHeader));
        if (status == null) {
            return new DeliveryHeaders(null, null, model);
        }
        String s = status.trim().toLowerCase(Locale.ROOT);
        String verdict;
        if (s.contains("skipped=")) {
            verdict = "skipped";
        } else if (s.contains("error=")) {
            verdict = "error";
        } else if (s.startsWith("yes")) {
            verdict = "spam";
        } else if (s.startsWith("no")) {
            verdict = "ham";
        } else {
            verdict = null;
        }
        Matcher m = SCORE.matcher(s);
        Double score = m.find() ? Double.valueOf(m.group(1)) : null;
        return new DeliveryHeaders(verdict, score, model == null ? null : model.trim());
    }

    private static String last(String[] values) {
        return values == null || values.length == 0 ? null : values[values.length - 1];
    }

    String verdict() {
        return verdict;
    }

    Double score() {
        return score;
    }

    String model() {
        return model;
    }

    /** Whether the delivery verdict already said what the user's move says. */
    boolean agreesWith(FeedbackLabel label) {
        return label.wireName().equals(verdict);
    }
}
