package dev.spamgpt.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ModelMetrics;
import dev.spamgpt.core.serving.ModelReloader;
import dev.spamgpt.core.serving.ModelSource;
import dev.spamgpt.core.serving.ShadowMetrics;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.ModelFlags;
import dev.spamgpt.streams.config.ServerFlags;
import dev.spamgpt.streams.metrics.HealthServer;
import dev.spamgpt.streams.topology.Models;
import dev.spamgpt.streams.topology.SpamFilterTopology;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the filter process and everything it opens beside the model: the embedded broker when
 * asked for, the meter registry with the JVM's meters, the {@link FilterService}, the /metrics and
 * /health server, the watcher that swaps in a new model and the shadow model. {@link #close()},
 * from the shutdown hook or from the command, stops them in reverse order exactly once, and frees
 * the models only once no stream thread can be inside them. The command line decides what to start;
 * this class only starts and stops it.
 */
final class FilterRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilterRuntime.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveModel live;
    private final ModelSource source;
    private final String fingerprint;
    private final ModelReloader.Loader loader;
    private EmbeddedKafkaBroker broker;
    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gcMetrics;
    private FilterService service;
    private HealthServer http;
    private ModelReloader reloader;
    private ShadowScorer shadow;
    private volatile Map<String, Object> lastReload;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private boolean closed;

    /**
     * @param scorer the model loaded from {@code source}, closed by {@link #close()} or when a new
     *     one replaces it
     * @param source where a new model may appear
     * @param fingerprint the fingerprint of the bundle {@code scorer} came from
     * @param loader opens a new bundle with the same options
     */
    FilterRuntime(
            SpamScorer scorer,
            ModelSource source,
            String fingerprint,
            ModelReloader.Loader loader) {
        this.live = new LiveModel(scorer);
        this.source = source;
        this.fingerprint = fingerprint;
        this.loader = loader;
    }

    /**
     * Starts a single-node broker in this process, sized for the filter's records.
     *
     * @param filter the size limit
     * @return the broker's bootstrap address
     * @throws Exception when the broker cannot start
     */
    synchronized String startEmbeddedBroker(FilterConfig filter) throws Exception {
        broker = EmbeddedKafkaBroker.start(SpamFilterTopology.maxMessageBytes(filter), Map.of());
        return broker.bootstrapServers();
    }

    /**
     * Builds the filter with its meters, serves /metrics and /health unless the port is negative,
     * registers the shutdown hook and starts processing.
     *
     * @param filter the topology's settings
     * @param kafka the Kafka settings
     * @param server the HTTP server and the shutdown timeout
     * @param models reloading and the shadow
     * @param shadowModel the shadow, already loaded, or null; closed by {@link #close()}
     * @param out where the server's address is printed
     * @throws IOException when the HTTP server cannot bind its address
     */
    synchronized void start(
            FilterConfig filter,
            KafkaOptions kafka,
            ServerFlags server,
            ModelFlags models,
            SpamScorer shadowModel,
            PrintWriter out)
            throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        ModelMetrics modelMetrics = new ModelMetrics(registry, Tags.empty(), live.current());
        reloader =
                new ModelReloader(
                        source,
                        fingerprint,
                        live,
                        loader,
                        new ModelReloader.Listener() {
                            @Override
                            public void swapped(SpamScorer previous, SpamScorer now, long nanos) {
                                modelMetrics.swapped(previous, now, nanos);
                                remember(
                                        new ModelReloader.Outcome(
                                                ModelReloader.Result.SWAPPED,
                                                now.modelId(),
                                                "swapped "
                                                        + previous.modelId()
                                                        + " for "
                                                        + now.modelId()));
                            }

                            @Override
                            public void failed(String ref, Throwable error) {
                                modelMetrics.failed(ref, error);
                                remember(
                                        new ModelReloader.Outcome(
                                                ModelReloader.Result.FAILED,
                                                live.current().modelId(),
                                                ref
                                                        + " not put in service: "
                                                        + error.getMessage()));
                            }
                        },
                        FilterRuntime.class.getClassLoader());
        if (shadowModel != null) {
            shadow =
                    new ShadowScorer(
                            shadowModel,
                            models.shadowShare(),
                            2,
                            new ShadowMetrics(registry, Tags.empty(), shadowModel.modelId()),
                            FilterRuntime.class.getClassLoader());
        }
        service =
                new FilterService(
                        filter, kafka, new Models(live, shadow, models.shadowHeader()), registry);
        if (server.httpPort() >= 0) {
            http =
                    HealthServer.start(
                            server.httpHost(), server.httpPort(), registry, service::state);
            http.modelControl(new Control(), models.allowRemoteReload());
            out.println(
                    "Metrics and health on http://"
                            + server.httpHost()
                            + ":"
                            + http.port()
                            + "/metrics, /health/live, /health/ready, /model");
        }
        reloader.start(models.reloadInterval());
        shutdownTimeout = server.shutdownTimeout();
        Thread hook =
                new Thread(
                        () -> {
                            LOG.info(
                                    "Shutdown requested; stopping within {} s",
                                    shutdownTimeout.toSeconds());
                            close();
                        },
                        "spamgpt-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        service.start();
    }

    /**
     * Waits until Kafka Streams stops on its own (failure) or is closed.
     *
     * @return true if it stopped because it failed
     * @throws InterruptedException when interrupted
     */
    boolean awaitStop() throws InterruptedException {
        FilterService running;
        synchronized (this) {
            running = service;
        }
        return running.awaitStop();
    }

    /**
     * Checks for a new model now, as POST /model/reload does.
     *
     * @return what the check did
     */
    java.util.concurrent.CompletableFuture<ModelReloader.Outcome> reload() {
        ModelReloader watching;
        synchronized (this) {
            watching = reloader;
        }
        return watching.reload().whenComplete((outcome, error) -> remember(outcome));
    }

    private void remember(ModelReloader.Outcome outcome) {
        if (outcome == null) {
            return;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("at", Instant.now().toString());
        entry.put("result", outcome.result().name().toLowerCase(java.util.Locale.ROOT));
        entry.put("message", outcome.message());
        lastReload = entry;
    }

    /** /model and /model/reload. */
    private final class Control implements HealthServer.ModelControl {
        @Override
        public String describe() {
            Map<String, Object> state = new LinkedHashMap<>();
            SpamScorer serving = live.current();
            state.put("model", serving.modelId());
            state.put("threshold", serving.threshold());
            state.put("source", source.path().toString());
            state.put("repository", source.isRepository());
            state.put("shadow", shadow == null ? null : shadow.model().modelId());
            state.put("last_reload", lastReload);
            try {
                return JSON.writeValueAsString(state);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String reload() {
            FilterRuntime.this.reload();
            return "checking "
                    + source.path()
                    + " for a new model; serving "
                    + live.current().modelId()
                    + " (GET /model shows the outcome)";
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean threadsStopped = service == null || service.close(shutdownTimeout);
        if (http != null) {
            http.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
        // Native memory: only safe once no stream thread can be inside the model.
        if (threadsStopped) {
            if (shadow != null) {
                shadow.close();
            }
            live.close();
        }
        if (broker != null) {
            try {
                broker.close();
            } catch (RuntimeException e) {
                LOG.warn("Embedded broker did not stop cleanly", e);
            }
        }
    }
}
