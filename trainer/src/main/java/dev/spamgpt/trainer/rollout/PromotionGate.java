package dev.spamgpt.trainer.rollout;

import dev.spamgpt.trainer.eval.BinaryMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a candidate may replace the model in service. Both are measured on the same
 * holdout, each at its own threshold picked on validation for the same false-positive target. The
 * candidate passes when it catches at least as much spam (plus {@code minGain}) at no higher
 * false-positive rate: a mail server's users forgive a missed spam sooner than a lost mail.
 */
public final class PromotionGate {

    /** The gate's answer and its reasons, one line each. */
    public static final class Decision {
        private final boolean pass;
        private final List<String> reasons;

        Decision(boolean pass, List<String> reasons) {
            this.pass = pass;
            this.reasons = List.copyOf(reasons);
        }

        public boolean pass() {
            return pass;
        }

        public List<String> reasons() {
            return reasons;
        }
    }

    private PromotionGate() {}

    /**
     * @param current the model in service on the holdout, or null when there is none
     * @param candidate the candidate on the same holdout
     * @param minGain the recall the candidate must add, as a fraction (0.01 = one point)
     * @return the decision
     */
    public static Decision decide(BinaryMetrics current, BinaryMetrics candidate, double minGain) {
        List<String> reasons = new ArrayList<>();
        if (current == null) {
            reasons.add("no model is in service");
            return new Decision(true, reasons);
        }
        boolean pass = true;
        if (candidate.falsePositiveRate() > current.falsePositiveRate()) {
            pass = false;
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "its false-positive rate %.2f%% (%d ham flagged) is above the current"
                                    + " model's %.2f%% (%d)",
                            candidate.falsePositiveRate() * 100,
                            candidate.fp(),
                            current.falsePositiveRate() * 100,
                            current.fp()));
        }
        if (candidate.recall() < current.recall() + minGain - 1e-12) {
            pass = false;
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "it catches %.2f%% of spam, the current model %.2f%%%s",
                            candidate.recall() * 100,
                            current.recall() * 100,
                            minGain > 0
                                    ? String.format(
                                            Locale.ROOT, " (--min-gain asks +%.2f)", minGain * 100)
                                    : ""));
        }
        if (pass) {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "it catches %.2f%% of spam (current %.2f%%) at a false-positive rate"
                                    + " of %.2f%% (current %.2f%%)",
                            candidate.recall() * 100,
                            current.recall() * 100,
                            candidate.falsePositiveRate() * 100,
                            current.falsePositiveRate() * 100));
        }
        return new Decision(pass, reasons);
    }

    /**
     * Adds what the candidate did in shadow on live traffic to a holdout decision.
     *
     * @param holdout the decision on the holdout
     * @param shadow the shadow's counts of the candidate
     * @param minMessages the fewest compared messages that count
     * @param minAgreement the lowest agreement accepted, or null to only report it
     * @return both reasons; a pass only when both pass
     */
    public static Decision withShadow(
            Decision holdout, ShadowEvidence shadow, long minMessages, Double minAgreement) {
        List<String> reasons = new ArrayList<>(holdout.reasons());
        boolean pass = shadow.check(minMessages, minAgreement, reasons);
        return new Decision(holdout.pass() && pass, reasons);
    }
}
