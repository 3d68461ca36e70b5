package dev.spamgpt.mailet;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * James 3.8.1 has no Micrometer registry, so SpamGPT brings its own: one Prometheus registry per
 * class loader, shared by every SpamGPT mailet and matcher, served as Prometheus text on {@code
 * http://host:port/metrics} by a small {@link MetricsHttpServer} that a slow or stuck client cannot
 * hold up. Several instances may ask for the same port; the server stops when the last of them is
 * destroyed.
 */
final class MetricsEndpoint {

    private static final PrometheusMeterRegistry REGISTRY =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final Map<InetSocketAddress, MetricsEndpoint> OPEN = new HashMap<>();

    private final InetSocketAddress address;
    private final MetricsHttpServer server;
    private int users;

    private MetricsEndpoint(InetSocketAddress address, MetricsHttpServer server) {
        this.address = address;
        this.server = server;
    }

    static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }

    /**
     * Serves the registry on an address, or joins the server already there.
     *
     * @param host the address to bind, such as 127.0.0.1 or 0.0.0.0
     * @param port the port; 0 picks a free one
     * @return the endpoint; {@link #release()} it when done
     * @throws IOException when the port cannot be bound
     */
    static synchronized MetricsEndpoint acquire(String host, int port) throws IOException {
        InetSocketAddress wanted = new InetSocketAddress(host, port);
        MetricsEndpoint endpoint = port == 0 ? null : OPEN.get(wanted);
        if (endpoint == null) {
            MetricsHttpServer server =
                    new MetricsHttpServer(
                            wanted, REGISTRY::scrape, MetricsHttpServer.Limits.defaults());
            endpoint = new MetricsEndpoint(server.address(), server);
            OPEN.put(endpoint.address, endpoint);
        }
        endpoint.users++;
        return endpoint;
    }

    /**
     * @return the bound port
     */
    int port() {
        return address.getPort();
    }

    /** Stops the server once no instance uses it. */
    void release() {
        synchronized (MetricsEndpoint.class) {
            if (--users > 0) {
                return;
            }
            OPEN.remove(address);
        }
        server.close();
    }
}
