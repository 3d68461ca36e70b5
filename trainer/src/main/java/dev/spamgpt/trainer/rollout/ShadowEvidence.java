package dev.spamgpt.trainer.rollout;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running filter's shadow saw of a candidate, read from its Prometheus text: how many live
 * messages both models scored, how often they agreed, the flips each way and what the shadow
 * skipped. It is evidence beside the holdout, not instead of it: live traffic has no labels, so it
 * tells how much would change, not whether the change is right.
 */
public final class ShadowEvidence {

    private static final Pattern SERIES =
            Pattern.compile(
                    "(?m)^spamgpt_shadow_(messages|skipped)_total\\{([^}]*)\\}\\s+(\\S+)\\s*$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String shadowModel;
    private final long agree;
    private final long hamToSpam;
    private final long spamToHam;
    private final long skipped;

    private ShadowEvidence(
            String shadowModel, long agree, long hamToSpam, long spamToHam, long skipped) {
        this.shadowModel = shadowModel;
        this.agree = agree;
        this.hamToSpam = hamToSpam;
        this.spamToHam = spamToHam;
        this.skipped = skipped;
    }

    /**
     * Sums the shadow series of one model over every instance that exports them.
     *
     * @param prometheusText a {@code /metrics} page
     * @param model the candidate's id, {@code id:version}
     * @return the evidence
     * @throws IllegalArgumentException when the page has no shadow series of that model, naming the
     *     ones it has
     */
    public static ShadowEvidence parse(String prometheusText, String model) {
        long[] outcomes = new long[3];
        long skipped = 0;
        boolean found = false;
        java.util.Set<String> others = new java.util.TreeSet<>();
        Matcher m = SERIES.matcher(prometheusText);
        while (m.find()) {
            Map<String, String> labels = labels(m.group(2));
            String shadow = labels.getOrDefault("shadow_model", "");
            if (!shadow.equals(model)) {
                others.add(shadow);
                continue;
            }
            found = true;
            long value = (long) Double.parseDouble(m.group(3));
            if (m.group(1).equals("skipped")) {
                skipped += value;
                continue;
            }
            switch (labels.getOrDefault("outcome", "")) {
                case "agree":
                    outcomes[0] += value;
                    break;
                case "ham_to_spam":
                    outcomes[1] += value;
                    break;
                case "spam_to_ham":
                    outcomes[2] += value;
                    break;
                default:
                    break;
            }
        }
        if (!found) {
            throw new IllegalArgumentException(
                    "has no shadow scores of "
                            + model
                            + (others.isEmpty()
                                    ? " (no shadow model runs there)"
                                    : " (its shadow is " + String.join(", ", others) + ")"));
        }
        return new ShadowEvidence(model, outcomes[0], outcomes[1], outcomes[2], skipped);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }

    /**
     * @return messages both models scored
     */
    public long compared() {
        return agree + hamToSpam + spamToHam;
    }

    /**
     * @return the share of compared messages with the same verdict, or NaN when there are none
     */
    public double agreement() {
        return compared() == 0 ? Double.NaN : (double) agree / compared();
    }

    /**
     * The gate's reasons: enough messages, and agreement at least {@code minAgreement}.
     *
     * @param minMessages the fewest compared messages that count as evidence
     * @param minAgreement the lowest agreement accepted, or null to only report it
     * @param reasons where a refusal's reason is added
     * @return true when the evidence passes
     */
    public boolean check(long minMessages, Double minAgreement, java.util.List<String> reasons) {
        boolean pass = true;
        if (compared() < minMessages) {
            pass = false;
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "the shadow compared only %d live messages (--min-shadow-messages %d)",
                            compared(),
                            minMessages));
        } else if (minAgreement != null && agreement() < minAgreement) {
            pass = false;
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "it agreed with the live model on %.2f%% of %d live messages"
                                    + " (--min-agreement %.2f%%)",
                            agreement() * 100,
                            compared(),
                            minAgreement * 100));
        } else {
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "in shadow it agreed with the live model on %.2f%% of %d live"
                                    + " messages (%d ham to spam, %d spam to ham)",
                            agreement() * 100,
                            compared(),
                            hamToSpam,
                            spamToHam));
        }
        return pass;
    }

    /**
     * @return the evidence as the history records it
     */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", shadowModel);
        out.put("compared", compared());
        out.put("agreement", compared() == 0 ? null : agreement());
        out.put("ham_to_spam", hamToSpam);
        out.put("spam_to_ham", spamToHam);
        out.put("skipped", skipped);
        return out;
    }
}
