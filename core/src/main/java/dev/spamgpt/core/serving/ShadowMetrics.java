package dev.spamgpt.core.serving;

import dev.spamgpt.core.inference.SpamScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of shadow scoring. In Prometheus text format:
 *
 * <pre>
 * spamgpt_shadow_messages_total{shadow_model,outcome="agree|ham_to_spam|spam_to_ham"}
 *                                   texts both models scored; a flip names the live verdict first
 * spamgpt_shadow_skipped_total{shadow_model,reason="budget|queue|error"}
 * spamgpt_shadow_score_bucket{shadow_model,model="live|shadow",le="0.05".."1.0"}   both histograms
 * spamgpt_shadow_seconds_bucket{shadow_model,le=...}   the shadow's time per batch
 * </pre>
 *
 * Agreement is {@code agree / (agree + ham_to_spam + spam_to_ham)}; {@code promote --from-shadow}
 * reads it from {@code /metrics}.
 */
public final class ShadowMetrics implements ShadowScorer.Listener {

    /** The outcome tag of texts on which both models agree. */
    public static final String AGREE = "agree";

    /** The live model says ham, the shadow spam. */
    public static final String HAM_TO_SPAM = "ham_to_spam";

    /** The live model says spam, the shadow ham. */
    public static final String SPAM_TO_HAM = "spam_to_ham";

    private static final double[] SCORE_BUCKETS = new double[20];

    static {
        for (int i = 0; i < SCORE_BUCKETS.length; i++) {
            SCORE_BUCKETS[i] = (i + 1) / 20.0;
        }
    }

    private final Counter agree;
    private final Counter hamToSpam;
    private final Counter spamToHam;
    private final Map<ShadowScorer.Skip, Counter> skipped = new EnumMap<>(ShadowScorer.Skip.class);
    private final DistributionSummary liveScores;
    private final DistributionSummary shadowScores;
    private final Timer latency;

    /**
     * @param registry where the meters go
     * @param tags tags every meter carries, such as the mailet instance; may be empty
     * @param shadowModel the shadow model's id
     */
    public ShadowMetrics(MeterRegistry registry, Tags tags, String shadowModel) {
        Tags base = tags.and("shadow_model", shadowModel);
        agree = outcome(registry, base, AGREE);
        hamToSpam = outcome(registry, base, HAM_TO_SPAM);
        spamToHam = outcome(registry, base, SPAM_TO_HAM);
        for (ShadowScorer.Skip why : ShadowScorer.Skip.values()) {
            skipped.put(
                    why,
                    Counter.builder("spamgpt.shadow.skipped")
                            .description("Texts the shadow model did not score, by reason")
                            .tags(base.and("reason", why.name().toLowerCase(Locale.ROOT)))
                            .register(registry));
        }
        liveScores = scores(registry, base, "live");
        shadowScores = scores(registry, base, "shadow");
        latency =
                Timer.builder("spamgpt.shadow")
                        .description("The shadow model's time per batch")
                        .tags(base)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry);
    }

    private static Counter outcome(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder("spamgpt.shadow.messages")
                .description("Texts scored by the live and the shadow model, by agreement")
                .tags(tags.and("outcome", outcome))
                .register(registry);
    }

    private static DistributionSummary scores(MeterRegistry registry, Tags tags, String model) {
        return DistributionSummary.builder("spamgpt.shadow.score")
                .description("Spam probabilities of the texts both models scored")
                .tags(tags.and("model", model))
                .serviceLevelObjectives(SCORE_BUCKETS)
                .register(registry);
    }

    @Override
    public void compared(
            float[] live, float liveThreshold, float[] shadow, float shadowThreshold, long nanos) {
        for (int i = 0; i < live.length; i++) {
            boolean liveSpam = SpamScorer.isSpam(live[i], liveThreshold);
            boolean shadowSpam = SpamScorer.isSpam(shadow[i], shadowThreshold);
            if (liveSpam == shadowSpam) {
                agree.increment();
            } else if (shadowSpam) {
                hamToSpam.increment();
            } else {
                spamToHam.increment();
            }
            liveScores.record(live[i]);
            shadowScores.record(shadow[i]);
        }
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void skipped(int texts, ShadowScorer.Skip why) {
        skipped.get(why).increment(texts);
    }

    /**
     * @return texts both models scored
     */
    public long compared() {
        return (long) (agree.count() + hamToSpam.count() + spamToHam.count());
    }

    /**
     * @return texts the shadow skipped, for any reason
     */
    public long skipped() {
        return (long) skipped.values().stream().mapToDouble(Counter::count).sum();
    }
}
