package dev.spamgpt.mailet;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What SpamGPT decided about one mail, and how that reads in James's spam headers: a status that
 * starts with {@code Yes} or {@code No} (the prefix {@code IsMarkedAsSpam} looks at) and a {@code
 * YES}/{@code NO} flag.
 */
final class Verdict {

    /** How the verdict came about; also the {@code verdict} tag of the metrics. */
    enum Kind {
        SPAM,
        HAM,
        SKIPPED,
        ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int MAX_REASON = 120;

    private final Kind kind;
    private final float score;
    private final float threshold;
    private final String reason;
    private final String modelId;
    private final String shadowStatus;
    private final String report;

    private Verdict(Kind kind, float score, float threshold, String reason, String modelId) {
        this(kind, score, threshold, reason, modelId, null, null);
    }

    private Verdict(
            Kind kind,
            float score,
            float threshold,
            String reason,
            String modelId,
            String shadowStatus,
            String report) {
        this.kind = kind;
        this.score = score;
        this.threshold = threshold;
        this.reason = reason;
        this.modelId = modelId;
        this.shadowStatus = shadowStatus;
        this.report = report;
    }

    /**
     * The same verdict with what the shadow model says of the mail, for the shadow header; the
     * shadow never changes the verdict.
     *
     * @param shadowScore the shadow's score
     * @param shadowThreshold the shadow's threshold
     * @param shadowModel the shadow's id
     * @return the verdict with a shadow status such as {@code Yes, score=0.91 required=0.50
     *     model=spamgpt-mail:2}
     */
    Verdict withShadow(float shadowScore, float shadowThreshold, String shadowModel) {
        String status =
                String.format(
                        Locale.ROOT,
                        "%s, score=%.2f required=%.2f model=%s",
                        SpamScorer.isSpam(shadowScore, shadowThreshold) ? "Yes" : "No",
                        shadowScore,
                        shadowThreshold,
                        oneLine(shadowModel));
        return new Verdict(kind, score, threshold, reason, modelId, status, report);
    }

    /**
     * The same verdict with an explanation report for the {@code X-SpamGPT-Report} header.
     *
     * @param value the header value, safe and folded
     * @return the verdict with the report
     */
    Verdict withReport(String value) {
        return new Verdict(kind, score, threshold, reason, modelId, shadowStatus, value);
    }

    /**
     * @return the explanation report, when one was made in time
     */
    java.util.Optional<String> report() {
        return java.util.Optional.ofNullable(report);
    }

    /**
     * @return the shadow model's verdict, when a shadow scored the mail in time
     */
    java.util.Optional<String> shadowStatus() {
        return java.util.Optional.ofNullable(shadowStatus);
    }

    /** Scored: spam when the scorer says so of this score. */
    static Verdict scored(float score, SpamScorer scorer) {
        return scored(score, scorer.threshold(), scorer.modelId());
    }

    /** Scored by the model {@code modelId} at its threshold. */
    static Verdict scored(float score, float threshold, String modelId) {
        return new Verdict(
                SpamScorer.isSpam(score, threshold) ? Kind.SPAM : Kind.HAM,
                score,
                threshold,
                null,
                modelId);
    }

    /** Not scored on purpose, such as a mail without any text: never spam. */
    static Verdict skipped(String reason) {
        return new Verdict(Kind.SKIPPED, Float.NaN, Float.NaN, oneLine(reason), null);
    }

    /** Not scored because something failed: never spam. */
    static Verdict error(String reason) {
        return new Verdict(Kind.ERROR, Float.NaN, Float.NaN, oneLine(reason), null);
    }

    Kind kind() {
        return kind;
    }

    /**
     * @return the id of the model that scored the mail, or empty when it was not scored
     */
    java.util.Optional<String> modelId() {
        return java.util.Optional.ofNullable(modelId);
    }

    boolean isSpam() {
        return kind == Kind.SPAM;
    }

    /**
     * @return the threshold the score was compared with; NaN when there is no score
     */
    float threshold() {
        return threshold;
    }

    OptionalDouble score() {
        return Float.isNaN(score) ? OptionalDouble.empty() : OptionalDouble.of(score);
    }

    /**
     * {@code Yes, score=0.97 required=0.50}, {@code No, skipped=no text}, {@code No, error=...}.
     */
    String status() {
        switch (kind) {
            case SPAM:
            case HAM:
                return String.format(
                        Locale.ROOT,
                        "%s, score=%.2f required=%.2f",
                        isSpam() ? "Yes" : "No",
                        score,
                        threshold);
            case SKIPPED:
                return "No, skipped=" + reason;
            default:
                return "No, error=" + reason;
        }
    }

    String flag() {
        return isSpam() ? "YES" : "NO";
    }

    /** The score with two decimals, as in {@link #status()}; empty when there is no score. */
    String formattedScore() {
        return Float.isNaN(score) ? "" : String.format(Locale.ROOT, "%.2f", score);
    }

    @Override
    public String toString() {
        return status();
    }

    // Header values must stay on one line and short, whatever an exception message holds.
    private static String oneLine(String reason) {
        String s = reason == null ? "unknown" : reason.replaceAll("[\\r\\n\\t]+", " ").trim();
        if (s.isEmpty()) {
            s = "unknown";
        }
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 3) + "...";
    }
}
