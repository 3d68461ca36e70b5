package dev.spamgpt.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The container health check: healthy only on a 200 answer, never hanging. */
class HealthProbeTest {

    HttpServer server;
    final CountDownLatch testOver = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ready", exchange -> answer(exchange, 200, "RUNNING\n"));
        server.createContext("/rebalancing", exchange -> answer(exchange, 503, "REBALANCING\n"));
        server.createContext(
                "/slow",
                exchange -> {
                    // Answers only once the test is over: a probe that says true did not time out.
                    try {
                        testOver.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer(exchange, 200, "late\n");
                });
        server.start();
    }

    @AfterEach
    void stop() {
        testOver.countDown();
        server.stop(0);
    }

    @Test
    void probeShouldPassOnlyOn200() {
        assertThat(HealthProbe.probe(uri("/ready"), Duration.ofSeconds(3))).isTrue();
        assertThat(HealthProbe.probe(uri("/rebalancing"), Duration.ofSeconds(3))).isFalse();
    }

    @Test
    void probeShouldFailWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(
                        HealthProbe.probe(
                                URI.create("http://127.0.0.1:" + port + "/health/ready"),
                                Duration.ofSeconds(3)))
                .isFalse();
    }

    @Test
    void probeShouldGiveUpOnASlowServer() {
        assertThat(HealthProbe.probe(uri("/slow"), Duration.ofMillis(300))).isFalse();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static void answer(
            com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
