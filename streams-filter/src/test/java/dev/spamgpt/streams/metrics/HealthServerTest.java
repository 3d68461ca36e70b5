package dev.spamgpt.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    /** The acceptance line: a probe must be answered within this, whatever other clients do. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final List<Socket> slowClients = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    private HealthServer server;

    @AfterEach
    void stop() throws IOException {
        trickle.shutdownNow();
        for (Socket s : slowClients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private HealthServer start() throws IOException {
        server =
                HealthServer.start(
                        "127.0.0.1",
                        0,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        () -> KafkaStreams.State.RUNNING);
        return server;
    }

    /** Opens clients that send a request line, then one more header line every 200 ms. */
    private void trickleHeaders(int clients) throws IOException {
        for (int i = 0; i < clients; i++) {
            Socket socket = new Socket("127.0.0.1", server.port());
            slowClients.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(
                    "GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int n = i;
            trickle.scheduleWithFixedDelay(
                    () -> {
                        try {
                            out.write(
                                    ("X-Slow-" + n + ": a\r\n")
                                            .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        } catch (IOException e) {
                            // The server may have closed it: that is the point.
                        }
                    },
                    200,
                    200,
                    TimeUnit.MILLISECONDS);
        }
    }

    private static HttpResponse<String> probe(HttpClient client, String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerProbesWithinASecondWhileClientsTrickleHeaders() throws Exception {
        start();
        trickleHeaders(4);
        Thread.sleep(600);
        HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
        String base = "http://127.0.0.1:" + server.port();

        for (int round = 0; round < 3; round++) {
            HttpResponse<String> live = probe(client, base + "/health/live");
            HttpResponse<String> ready = probe(client, base + "/health/ready");

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).isEqualTo("RUNNING\n");
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldServeMetricsAndRefuseOtherMethodsAndPaths() throws Exception {
        start();
        HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
        String base = "http://127.0.0.1:" + server.port();

        HttpResponse<String> metrics = probe(client, base + "/metrics");
        HttpResponse<String> missing = probe(client, base + "/nothing");
        HttpResponse<String> post =
                client.send(
                        HttpRequest.newBuilder(URI.create(base + "/health/live"))
                                .timeout(PROBE_TIMEOUT)
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head =
                client.send(
                        HttpRequest.newBuilder(URI.create(base + "/health/ready?verbose"))
                                .timeout(PROBE_TIMEOUT)
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("/health/live");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void shouldDescribeTheModelAndTakeReloadRequestsOnlyFromThisHostUnlessAllowed()
            throws Exception {
        start();
        java.util.concurrent.atomic.AtomicInteger reloads =
                new java.util.concurrent.atomic.AtomicInteger();
        server.modelControl(
                new HealthServer.ModelControl() {
                    @Override
                    public String describe() {
                        return "{\"model\":\"m:1\"}";
                    }

                    @Override
                    public String reload() {
                        return "checking (" + reloads.incrementAndGet() + ")";
                    }
                },
                false);
        HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
        String base = "http://127.0.0.1:" + server.port();

        HttpResponse<String> model = probe(client, base + "/model");
        assertThat(model.statusCode()).isEqualTo(200);
        assertThat(model.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(model.body()).contains("\"model\":\"m:1\"");
        assertThat(probe(client, base + "/model/reload").statusCode())
                .as("GET is not a reload")
                .isEqualTo(405);
        HttpResponse<String> post =
                client.send(
                        HttpRequest.newBuilder(URI.create(base + "/model/reload"))
                                .timeout(PROBE_TIMEOUT)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(202);
        assertThat(post.body()).contains("checking (1)");

        String request = "POST /model/reload HTTP/1.1\r\nHost: x\r\n\r\n";
        assertThat(server.answer(request, false).status()).as("from another host").isEqualTo(403);
        assertThat(reloads).hasValue(1);
        server.modelControl(currentControl(), true);
        assertThat(server.answer(request, false).status()).isEqualTo(202);
    }

    private static HealthServer.ModelControl currentControl() {
        return new HealthServer.ModelControl() {
            @Override
            public String describe() {
                return "{}";
            }

            @Override
            public String reload() {
                return "checking";
            }
        };
    }

    @Test
    void shouldCloseAConnectionThatDoesNotFinishItsRequestInTime() throws Exception {
        server =
                HealthServer.start(
                        "127.0.0.1",
                        0,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                        () -> KafkaStreams.State.RUNNING,
                        Duration.ofMillis(500));
        trickleHeaders(1);
        Socket slow = slowClients.get(0);
        // Hang guard only: the server's limit is half a second.
        slow.setSoTimeout(30_000);

        InputStream in = slow.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);

        assertThat(answer).startsWith("HTTP/1.1 408");
    }
}
