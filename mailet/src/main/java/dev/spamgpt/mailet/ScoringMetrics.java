package dev.spamgpt.mailet;

import dev.spamgpt.core.bundle.DataDomain;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one mailet or matcher instance, tagged with the model id and the instance's name.
 * In Prometheus text format they read:
 *
 * <pre>
 * spamgpt_mails_total{verdict="spam|ham|skipped|error"}  mails by verdict
 * spamgpt_errors_total{reason="read|model|internal|timeout|..."}  failures, by kind
 * spamgpt_scoring_seconds_bucket{le="..."}, _count, _sum  per mail: text extraction, queue, model
 * spamgpt_inference_seconds_bucket{le="..."}, ...        per forward pass (one batch)
 * spamgpt_inference_batch_size_count, _sum, _max         texts per forward pass
 * </pre>
 *
 * The timers are histograms, so that Prometheus computes any quantile over any window, such as
 * {@code histogram_quantile(0.99, rate(spamgpt_scoring_seconds_bucket[5m]))}.
 */
final class ScoringMetrics {

    private final Map<Verdict.Kind, Counter> mails = new EnumMap<>(Verdict.Kind.class);
    private final MeterRegistry registry;
    private final String model;
    private final String instance;
    private final Timer scoring;
    private final Timer inference;
    private final DistributionSummary batchSize;

    ScoringMetrics(MeterRegistry registry, String model, String instance) {
        this.registry = registry;
        this.model = model;
        this.instance = instance;
        for (Verdict.Kind kind : Verdict.Kind.values()) {
            mails.put(
                    kind,
                    Counter.builder("spamgpt.mails")
                            .description("Mails classified by SpamGPT, by verdict")
                            .tags("model", model, "instance", instance, "verdict", kind.label())
                            .register(registry));
        }
        scoring =
                timer(
                        "spamgpt.scoring",
                        "Time to score one mail: text extraction, waiting for a worker, model");
        inference =
                timer("spamgpt.inference", "Time of one forward pass of the model over a batch");
        batchSize =
                DistributionSummary.builder("spamgpt.inference.batch.size")
                        .description("Texts scored per forward pass")
                        .tags("model", model, "instance", instance)
                        .register(registry);
    }

    /** A latency histogram from 1 ms to 2 min, tagged with the model and the instance. */
    private Timer timer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .tags("model", model, "instance", instance)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    /**
     * Exports the bundle's training-data domain: {@code spamgpt_model_sms_domain} is 1 for a model
     * trained on SMS texts only, which is a demo and not a mail filter, and 0 otherwise.
     */
    void domain(DataDomain domain) {
        double sms = domain == DataDomain.SMS ? 1 : 0;
        Gauge.builder("spamgpt.model.sms.domain", () -> sms)
                .description(
                        "1 if the model was trained on SMS texts only (a demo, not a mail filter)")
                .tags("model", model, "instance", instance, "domain", domain.wireName())
                .register(registry);
    }

    void mail(Verdict verdict, long nanos) {
        mails.get(verdict.kind()).increment();
        scoring.record(nanos, TimeUnit.NANOSECONDS);
    }

    void error(String reason) {
        registry.counter("spamgpt.errors", "model", model, "instance", instance, "reason", reason)
                .increment();
    }

    void batch(int size, long nanos) {
        batchSize.record(size);
        inference.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One line for the log when the mailet stops. */
    String summary() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Verdict.Kind, Counter> e : mails.entrySet()) {
            s.append(e.getKey().label())
                    .append('=')
                    .append((long) e.getValue().count())
                    .append(' ');
        }
        s.append(
                String.format(
                        java.util.Locale.ROOT,
                        "mean=%.1fms max=%.1fms",
                        scoring.mean(TimeUnit.MILLISECONDS),
                        scoring.max(TimeUnit.MILLISECONDS)));
        return s.toString();
    }
}
