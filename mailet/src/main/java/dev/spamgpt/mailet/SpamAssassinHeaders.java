package dev.spamgpt.mailet;

import java.util.Locale;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * The four headers SpamAssassin writes, in its default layout, so that Sieve scripts, mail client
 * filters and dashboards written for SpamAssassin read SpamGPT's verdict unchanged:
 *
 * <pre>
 * X-Spam-Flag: YES                                       (spam only, as SpamAssassin does)
 * X-Spam-Score: 9.6
 * X-Spam-Level: *********                                (one star per whole point, at most 50)
 * X-Spam-Status: Yes, score=9.6 required=5.0 tests=SPAMGPT autolearn=disabled
 *     version=spamgpt-mail:20261203T101500Z
 * </pre>
 *
 * <p><b>From a probability to a score.</b> SpamAssassin adds points and calls a mail spam at
 * {@value #REQUIRED}; SpamGPT gives a probability {@code p} and a threshold {@code t}. The score is
 * {@code 5.0 + ln(p / (1 - p)) - ln(t / (1 - t))}: the log-odds of the mail, shifted so that the
 * threshold lands on 5.0. A mail is spam exactly when its score reaches 5.0, and each point above
 * or below is a factor of e in the odds: with {@code t = 0.5}, {@code p = 0.99} scores 9.6 and
 * {@code p = 0.01} scores 0.4. {@code p} is held within [1e-6, 1 - 1e-6], so scores stay within
 * about 5 ± 14.
 */
final class SpamAssassinHeaders {

    static final String FLAG = "X-Spam-Flag";
    static final String SCORE = "X-Spam-Score";
    static final String LEVEL = "X-Spam-Level";
    static final String STATUS = "X-Spam-Status";

    /** SpamAssassin's default {@code required_score}. */
    static final double REQUIRED = 5.0;

    private static final double EPSILON = 1e-6;
    private static final int MAX_STARS = 50;

    private SpamAssassinHeaders() {}

    /**
     * @param probability the spam probability
     * @param threshold the model's threshold
     * @return the SpamAssassin-style score
     */
    static double score(double probability, double threshold) {
        return REQUIRED + logit(probability) - logit(threshold);
    }

    private static double logit(double p) {
        double q = Math.min(1 - EPSILON, Math.max(EPSILON, p));
        return Math.log(q / (1 - q));
    }

    /** One decimal, as SpamAssassin prints {@code _SCORE_}; never "-0.0". */
    static String format(double score) {
        String s = String.format(Locale.ROOT, "%.1f", score);
        return s.equals("-0.0") ? "0.0" : s;
    }

    /**
     * @return one star per whole point, at most 50; empty below 1
     */
    static String level(double score) {
        int stars = (int) Math.max(0, Math.min(MAX_STARS, Math.floor(score)));
        return "*".repeat(stars);
    }

    /**
     * Writes the headers of a scored verdict, replacing any already there (a sender may forge
     * them); a mail that was not scored gets none and loses forged ones.
     *
     * @param message the message
     * @param verdict the verdict
     * @param modelId the model that scored it
     * @throws MessagingException if the message cannot take headers
     */
    static void write(MimeMessage message, Verdict verdict, String modelId)
            throws MessagingException {
        for (String name : new String[] {FLAG, SCORE, LEVEL, STATUS}) {
            message.removeHeader(name);
        }
        if (verdict.score().isEmpty()) {
            return;
        }
        double score = score(verdict.score().getAsDouble(), verdict.threshold());
        boolean spam = verdict.isSpam();
        if (spam) {
            message.setHeader(FLAG, "YES");
        }
        message.setHeader(SCORE, format(score));
        message.setHeader(LEVEL, level(score));
        message.setHeader(
                STATUS,
                String.format(
                        Locale.ROOT,
                        "%s, score=%s required=%s tests=SPAMGPT autolearn=disabled version=%s",
                        spam ? "Yes" : "No",
                        format(score),
                        format(REQUIRED),
                        modelId.replaceAll("[^\\x21-\\x7e]", "_")));
    }
}
