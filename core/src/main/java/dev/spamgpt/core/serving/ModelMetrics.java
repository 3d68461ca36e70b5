package dev.spamgpt.core.serving;

import dev.spamgpt.core.inference.SpamScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The meters of the model in service, shared by the streams filter and the mailet. In Prometheus
 * text format:
 *
 * <pre>
 * spamgpt_model_info{model_id="spamgpt-mail",version="20261203T101500Z"} 1   the model serving
 * spamgpt_model_swaps_total                    new models put in service since start
 * spamgpt_model_reload_failures_total          bundles that failed to load, verify or warm up
 * spamgpt_model_load_seconds_count, _sum, _max load, verify and warm-up time of swapped models
 * </pre>
 *
 * The info series of the old model disappears at the swap, so {@code spamgpt_model_info} always has
 * exactly one series per process (per mailet instance in James).
 */
public final class ModelMetrics implements ModelReloader.Listener {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter swaps;
    private final Counter failures;
    private final Timer load;
    private Gauge info; // guarded by this

    /**
     * @param registry where the meters go
     * @param tags tags every meter carries, such as the mailet instance; may be empty
     * @param serving the model serving at start
     */
    public ModelMetrics(MeterRegistry registry, Tags tags, SpamScorer serving) {
        this.registry = registry;
        this.tags = tags;
        this.swaps =
                Counter.builder("spamgpt.model.swaps")
                        .description("New models put in service without a restart")
                        .tags(tags)
                        .register(registry);
        this.failures =
                Counter.builder("spamgpt.model.reload.failures")
                        .description(
                                "Bundles that failed to load, verify or warm up; the old model"
                                        + " kept serving")
                        .tags(tags)
                        .register(registry);
        this.load =
                Timer.builder("spamgpt.model.load")
                        .description("Load, verify and warm-up time of a model put in service")
                        .tags(tags)
                        .register(registry);
        serving(serving.modelId());
    }

    private synchronized void serving(String modelId) {
        if (info != null) {
            registry.remove(info);
        }
        int colon = modelId.lastIndexOf(':');
        String id = colon < 0 ? modelId : modelId.substring(0, colon);
        String version = colon < 0 ? "" : modelId.substring(colon + 1);
        info =
                Gauge.builder("spamgpt.model.info", () -> 1)
                        .description("The model in service: always 1, its id and version as tags")
                        .tags(tags.and("model_id", id, "version", version))
                        .register(registry);
    }

    @Override
    public void swapped(SpamScorer previous, SpamScorer now, long loadNanos) {
        serving(now.modelId());
        swaps.increment();
        load.record(loadNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failed(String ref, Throwable error) {
        failures.increment();
    }

    /**
     * @return swaps since start
     */
    public long swaps() {
        return (long) swaps.count();
    }

    /**
     * @return failed loads since start
     */
    public long failures() {
        return (long) failures.count();
    }
}
