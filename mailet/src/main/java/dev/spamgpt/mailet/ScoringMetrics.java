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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one mailet or matcher instance, tagged with the id of the model that scored and the
 * instance's name; after a model swap the new model's series start beside the old one's. In
 * Prometheus text format they read:
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

    private final MeterRegistry registry;
    private final String instance;
    private final Map<String, PerModel> models = new ConcurrentHashMap<>();
    private volatile PerModel serving;
    private Gauge domainGauge; // guarded by this

    /** The meters of one model: after a swap, the new model's mails count under its own id. */
    private final class PerModel {
        final String model;
        final Map<Verdict.Kind, Counter> mails = new EnumMap<>(Verdict.Kind.class);
        final Timer scoring;
        final Timer inference;
        final DistributionSummary batchSize;

        PerModel(String model) {
            this.model = model;
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
                            model,
                            "spamgpt.scoring",
                            "Time to score one mail: text extraction, waiting for a worker, model");
            inference =
                    timer(
                            model,
                            "spamgpt.inference",
                            "Time of one forward pass of the model over a batch");
            batchSize =
                    DistributionSummary.builder("spamgpt.inference.batch.size")
                            .description("Texts scored per forward pass")
                            .tags("model", model, "instance", instance)
                            .register(registry);
        }
    }

    ScoringMetrics(MeterRegistry registry, String model, String instance) {
        this.registry = registry;
        this.instance = instance;
        this.serving = of(model);
    }

    private PerModel of(String model) {
        return models.computeIfAbsent(model, PerModel::new);
    }

    /** A latency histogram from 1 ms to 2 min, tagged with the model and the instance. */
    private Timer timer(String model, String name, String description) {
        return Timer.builder(name)
                .description(description)
                .tags("model", model, "instance", instance)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    /**
     * A new model serves: mails that no model scored (skipped, errors) count under it from now on,
     * and its training-data domain is exported: {@code spamgpt_model_sms_domain} is 1 for a model
     * trained on SMS texts only, which is a demo and not a mail filter, and 0 otherwise.
     */
    synchronized void serving(String model, DataDomain domain) {
        serving = of(model);
        if (domainGauge != null) {
            registry.remove(domainGauge);
        }
        double sms = domain == DataDomain.SMS ? 1 : 0;
        domainGauge =
                Gauge.builder("spamgpt.model.sms.domain", () -> sms)
                        .description(
                                "1 if the model was trained on SMS texts only (a demo, not a mail"
                                        + " filter)")
                        .tags("model", model, "instance", instance, "domain", domain.wireName())
                        .register(registry);
    }

    void mail(Verdict verdict, long nanos) {
        PerModel meters = verdict.modelId().map(this::of).orElse(serving);
        meters.mails.get(verdict.kind()).increment();
        meters.scoring.record(nanos, TimeUnit.NANOSECONDS);
    }

    void error(String reason) {
        registry.counter(
                        "spamgpt.errors",
                        "model",
                        serving.model,
                        "instance",
                        instance,
                        "reason",
                        reason)
                .increment();
    }

    /** One explanation's outcome: done, timeout, busy, swapped, error or interrupted. */
    void explanation(String outcome) {
        registry.counter(
                        "spamgpt.explanations",
                        "model",
                        serving.model,
                        "instance",
                        instance,
                        "outcome",
                        outcome)
                .increment();
    }

    void batch(String model, int size, long nanos) {
        PerModel meters = of(model);
        meters.batchSize.record(size);
        meters.inference.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One line for the log when the mailet stops, over every model it served. */
    String summary() {
        StringBuilder s = new StringBuilder();
        for (Verdict.Kind kind : Verdict.Kind.values()) {
            long n = 0;
            for (PerModel m : models.values()) {
                n += (long) m.mails.get(kind).count();
            }
            s.append(kind.label()).append('=').append(n).append(' ');
        }
        PerModel now = serving;
        s.append(
                String.format(
                        java.util.Locale.ROOT,
                        "mean=%.1fms max=%.1fms",
                        now.scoring.mean(TimeUnit.MILLISECONDS),
                        now.scoring.max(TimeUnit.MILLISECONDS)));
        return s.toString();
    }
}
