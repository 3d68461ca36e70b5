package dev.spamgpt.streams.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A small HTTP server with three endpoints:
 * <ul>
 *   <li>{@code /metrics}: every meter in Prometheus text format;</li>
 *   <li>{@code /health/live}: 200 unless Kafka Streams has failed or stopped (ERROR,
 *       PENDING_ERROR, NOT_RUNNING), so that an orchestrator restarts a dead instance;</li>
 *   <li>{@code /health/ready}: 200 only while the Kafka Streams state is RUNNING (not while it
 *       starts, rebalances or restores).</li>
 * </ul>
 * Each answers with the current state in the body.
 */
public final class HealthServer implements AutoCloseable {

    private static final Set<KafkaStreams.State> DEAD = EnumSet.of(
            KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.NOT_RUNNING);

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the server.
     *
     * @param host address to bind, for example {@code 0.0.0.0}
     * @param port port to bind, 0 for any free port
     * @param registry the registry to scrape
     * @param state the current Kafka Streams state
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HealthServer start(String host, int port, PrometheusMeterRegistry registry,
                                     Supplier<KafkaStreams.State> state) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange -> {
            if (allowGet(exchange)) {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        server.createContext("/health/live", exchange -> {
            if (allowGet(exchange)) {
                KafkaStreams.State s = state.get();
                respond(exchange, DEAD.contains(s) ? 503 : 200, "text/plain; charset=utf-8", s + "\n");
            }
        });
        server.createContext("/health/ready", exchange -> {
            if (allowGet(exchange)) {
                KafkaStreams.State s = state.get();
                respond(exchange, s == KafkaStreams.State.RUNNING ? 200 : 503, "text/plain; charset=utf-8", s + "\n");
            }
        });
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8",
                "endpoints: /metrics /health/live /health/ready\n"));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "spamgpt-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new HealthServer(server, executor);
    }

    /** Returns the bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }
}
