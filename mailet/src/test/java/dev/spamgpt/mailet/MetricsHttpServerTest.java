package dev.spamgpt.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

    // Hang guard for reads that the server must end: far above every limit used below.
    private static final int HANG_GUARD_MILLIS = 30_000;

    private final AtomicInteger scrapes = new AtomicInteger();
    private final List<MetricsEndpointTest.Trickler> slow = new ArrayList<>();
    private MetricsHttpServer server;

    @AfterEach
    void tearDown() {
        slow.forEach(MetricsEndpointTest.Trickler::stop);
        if (server != null) {
            server.close();
        }
    }

    private void start(int threads, int queue, long headerMillis) throws IOException {
        server =
                new MetricsHttpServer(
                        new InetSocketAddress("127.0.0.1", 0),
                        () -> "scrape " + scrapes.incrementAndGet() + "\n",
                        new MetricsHttpServer.Limits(threads, queue, headerMillis, 10_000, 1024));
    }

    /** Sends raw bytes and reads the whole answer (the server closes every connection). */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(HANG_GUARD_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void getMetricsShouldAnswerTheScrapeAndCloseTheConnection() throws Exception {
        start(2, 2, 5_000);

        String answer = exchange("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");

        assertThat(answer)
                .startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n")
                .contains("Content-Length: 9\r\n")
                .contains("Connection: close\r\n")
                .endsWith("\r\n\r\nscrape 1\n");
    }

    @Test
    void otherRequestsShouldGetTheirErrorStatusWithoutAScrape() throws Exception {
        start(2, 2, 5_000);

        assertThat(exchange("POST /metrics HTTP/1.1\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ")
                .contains("Allow: GET");
        assertThat(exchange("GET / HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 404 ");
        assertThat(exchange("nonsense\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(exchange("GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(scrapes).hasValue(0);
    }

    @Test
    void aClientThatNeverEndsItsHeadersShouldBeDisconnected() throws Exception {
        start(2, 2, 300);
        MetricsEndpointTest.Trickler trickler =
                MetricsEndpointTest.Trickler.start(server.port(), 50);
        slow.add(trickler);

        assertHungUp(
                trickler.socket(), "the server never hung up on a client that trickles headers");
        assertThat(scrapes).hasValue(0);
    }

    @Test
    void aConnectionBeyondTheThreadsAndTheQueueShouldGetServiceUnavailableAtOnce()
            throws Exception {
        start(1, 1, HANG_GUARD_MILLIS);
        slow.add(MetricsEndpointTest.Trickler.start(server.port(), 200));
        Thread.sleep(200); // the worker takes the first
        slow.add(MetricsEndpointTest.Trickler.start(server.port(), 200));
        Thread.sleep(200); // the second waits in the queue

        assertThat(exchange("GET /metrics HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 503 ");
        assertThat(scrapes).hasValue(0);
    }

    @Test
    void closeShouldHangUpOnOpenConnections() throws Exception {
        start(1, 1, HANG_GUARD_MILLIS);
        MetricsEndpointTest.Trickler trickler =
                MetricsEndpointTest.Trickler.start(server.port(), 200);
        slow.add(trickler);
        Thread.sleep(200);

        server.close();

        assertHungUp(trickler.socket(), "close() left a connection open");
    }

    /**
     * Asserts that the server hangs up on the socket within the hang guard: the end of the stream,
     * or a reset.
     */
    private static void assertHungUp(Socket socket, String otherwise) throws IOException {
        socket.setSoTimeout(HANG_GUARD_MILLIS);
        int read;
        // Closing the stream closes the socket too.
        try (InputStream in = socket.getInputStream()) {
            read = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(otherwise, e);
        } catch (IOException e) {
            read = -1; // reset by the server: hung up as well
        }
        assertThat(read).isEqualTo(-1);
    }
}
