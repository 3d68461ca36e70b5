package dev.spamgpt.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void metricsShouldAnswerWithinOneSecondWhileTwoClientsTrickleHeaders() throws Exception {
        MetricsEndpoint.registry().counter("spamgpt.endpoint.test").increment();
        MetricsEndpoint endpoint = MetricsEndpoint.acquire("127.0.0.1", 0);
        List<Trickler> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                slow.add(Trickler.start(endpoint.port(), 200));
            }
            // Let the server take both slow requests before the scrape comes.
            Thread.sleep(300);
            HttpClient client =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(1))
                            .build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response =
                        client.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + endpoint.port()
                                                                + "/metrics"))
                                        .timeout(Duration.ofSeconds(1))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("spamgpt_endpoint_test_total");
            }
            assertThat(slow).allSatisfy(t -> assertThat(t.linesSent()).isPositive());
        } finally {
            slow.forEach(Trickler::stop);
            endpoint.release();
        }
    }

    /** A client that sends a request line, then one header line every so often, and never ends. */
    static final class Trickler {
        private final Socket socket;
        private final Thread thread;
        private volatile int lines;
        private volatile boolean stopped;

        private Trickler(Socket socket, long everyMillis) {
            this.socket = socket;
            this.thread = new Thread(() -> trickle(everyMillis), "trickler");
            thread.setDaemon(true);
        }

        static Trickler start(int port, long everyMillis) throws IOException {
            Trickler t = new Trickler(new Socket("127.0.0.1", port), everyMillis);
            t.thread.start();
            return t;
        }

        private void trickle(long everyMillis) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(
                        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                while (!stopped) {
                    lines++;
                    Thread.sleep(everyMillis);
                    out.write(("X-Slow-" + lines + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the server hung up, or the test is done
            }
        }

        int linesSent() {
            return lines;
        }

        Socket socket() {
            return socket;
        }

        void stop() {
            stopped = true;
            thread.interrupt();
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
