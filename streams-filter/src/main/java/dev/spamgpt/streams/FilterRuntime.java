package dev.spamgpt.streams;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.ServerFlags;
import dev.spamgpt.streams.metrics.HealthServer;
import dev.spamgpt.streams.topology.SpamFilterTopology;
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
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the filter process and everything it opens beside the model: the embedded broker when
 * asked for, the meter registry with the JVM's meters, the {@link FilterService} and the /metrics
 * and /health server. {@link #close()}, from the shutdown hook or from the command, stops them in
 * reverse order exactly once, and frees the model only once no stream thread can be inside it. The
 * command line decides what to start; this class only starts and stops it.
 */
final class FilterRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FilterRuntime.class);

    private final SpamScorer scorer;
    private EmbeddedKafkaBroker broker;
    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gcMetrics;
    private FilterService service;
    private HealthServer http;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private boolean closed;

    /**
     * @param scorer the model, closed by {@link #close()}
     */
    FilterRuntime(SpamScorer scorer) {
        this.scorer = scorer;
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
     * @param out where the server's address is printed
     * @throws IOException when the HTTP server cannot bind its address
     */
    synchronized void start(
            FilterConfig filter, KafkaOptions kafka, ServerFlags server, PrintWriter out)
            throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        service = new FilterService(filter, kafka, scorer, registry);
        if (server.httpPort() >= 0) {
            http =
                    HealthServer.start(
                            server.httpHost(), server.httpPort(), registry, service::state);
            out.println(
                    "Metrics and health on http://"
                            + server.httpHost()
                            + ":"
                            + http.port()
                            + "/metrics, /health/live, /health/ready");
        }
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
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
        // Native memory: only safe once no stream thread can be inside the model.
        if (threadsStopped) {
            scorer.close();
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
