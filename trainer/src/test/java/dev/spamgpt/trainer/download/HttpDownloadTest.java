package dev.spamgpt.trainer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpDownloadTest {

    private static final int SIZE = 300_000;

    @TempDir Path dir;

    private final byte[] data = new byte[SIZE];
    private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private ExecutorService executor;
    private String sha;

    private final HttpDownload download =
            HttpDownload.create()
                    .withProgress(false)
                    .withRetries(2, Duration.ofMillis(10))
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

    @BeforeEach
    void startServer() throws IOException {
        new Random(1).nextBytes(data);
        sha = Sha256.ofBytes(data);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Serves {@link #data}, honouring "Range: bytes=N-". */
    private void serveRanged(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        ranges.add(String.valueOf(range));
        int start = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        if (start >= SIZE) {
            exchange.getResponseHeaders().add("Content-Range", "bytes */" + SIZE);
            exchange.sendResponseHeaders(416, -1);
            exchange.close();
            return;
        }
        if (range != null) {
            exchange.getResponseHeaders()
                    .add("Content-Range", "bytes " + start + "-" + (SIZE - 1) + "/" + SIZE);
        }
        exchange.sendResponseHeaders(range == null ? 200 : 206, SIZE - start);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(data, start, SIZE - start);
        }
    }

    /** Sends the headers for the whole file, half of the bytes, then drops the connection. */
    private void serveHalfAndCut(HttpExchange exchange) throws IOException {
        ranges.add(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
        exchange.sendResponseHeaders(200, SIZE);
        OutputStream out = exchange.getResponseBody();
        out.write(data, 0, SIZE / 2);
        out.flush();
        // Closing with bytes missing makes the server drop the connection.
        exchange.close();
    }

    @Test
    void fetchShouldDownloadVerifyAndRename() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("sub/model.bin");

        assertThat(download.fetch(url("/f"), target, sha.toUpperCase())).isEqualTo(target);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(dir.resolve("sub/model.bin.part")).doesNotExist();
        assertThat(ranges).containsExactly("null");
    }

    @Test
    void existingTargetShouldBeReusedWithoutARequest() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        Files.write(target, data);

        download.fetch(url("/f"), target, sha);
        download.fetch(url("/f"), target);

        assertThat(ranges).isEmpty();
    }

    @Test
    void existingTargetWithWrongHashShouldBeDownloadedAgain() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        Files.write(target, new byte[] {1, 2, 3});

        download.fetch(url("/f"), target, sha);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(ranges).hasSize(1);
    }

    @Test
    void cutConnectionShouldResumeWithARangeRequest() throws IOException {
        server.createContext(
                "/f",
                exchange -> {
                    if (ranges.isEmpty()) {
                        serveHalfAndCut(exchange);
                    } else {
                        serveRanged(exchange);
                    }
                });
        Path target = dir.resolve("model.bin");

        download.fetch(url("/f"), target, sha);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(0)).isEqualTo("null");
        // The client asked for the rest only: somewhere after the first bytes, before the end.
        long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        assertThat(resumedAt).isPositive().isLessThan(SIZE);
    }

    @Test
    void partFileLeftByAnEarlierRunShouldBeResumed() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        Files.write(dir.resolve("model.bin.part"), java.util.Arrays.copyOf(data, 1000));

        download.fetch(url("/f"), target, sha);

        assertThat(ranges).containsExactly("bytes=1000-");
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void completePartFileShouldBeFinishedOnA416() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        Files.write(dir.resolve("model.bin.part"), data);

        download.fetch(url("/f"), target, sha);

        assertThat(ranges).containsExactly("bytes=" + SIZE + "-");
        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void serverIgnoringRangeShouldRestartFromZero() throws IOException {
        server.createContext(
                "/f",
                exchange -> {
                    ranges.add(String.valueOf(exchange.getRequestHeaders().getFirst("Range")));
                    exchange.sendResponseHeaders(200, SIZE);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(data);
                    }
                });
        Path target = dir.resolve("model.bin");
        Files.write(dir.resolve("model.bin.part"), new byte[5000]);

        download.fetch(url("/f"), target, sha);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }

    @Test
    void stalledConnectionShouldTimeOutAndResume() throws IOException {
        server.createContext(
                "/f",
                exchange -> {
                    if (!ranges.isEmpty()) {
                        serveRanged(exchange);
                        return;
                    }
                    ranges.add("null");
                    exchange.sendResponseHeaders(200, SIZE);
                    OutputStream out = exchange.getResponseBody();
                    out.write(data, 0, 1000);
                    out.flush();
                    try {
                        release.await(30, TimeUnit.SECONDS); // hang until the test ends
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
        Path target = dir.resolve("model.bin");
        HttpDownload impatient =
                download.withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300));

        impatient.fetch(url("/f"), target, sha);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(1)).startsWith("bytes=");
    }

    @Test
    void hashMismatchShouldFailAndLeaveNoFile() {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        String wrong = "0".repeat(64);

        assertThatThrownBy(() -> download.fetch(url("/f"), target, wrong))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sha256 is " + sha)
                .hasMessageContaining(wrong);
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("model.bin.part")).doesNotExist();
    }

    @Test
    void notFoundShouldFailAtOnceAndSayWhatToFetch() {
        server.createContext(
                "/missing",
                exchange -> {
                    ranges.add("404");
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                });
        Path target = dir.resolve("model.bin");

        assertThatThrownBy(() -> download.fetch(url("/missing"), target))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("by hand")
                .hasMessageContaining(target.toAbsolutePath().toString());
        assertThat(ranges).hasSize(1);
        assertThat(target).doesNotExist();
    }

    @Test
    void unreachableServerShouldSayWhatToFetchAndWhere() throws IOException {
        String url = LocalHub.deadUrl() + "/sms.zip";
        Path target = dir.resolve("cache/sms.zip");

        assertThatThrownBy(() -> download.fetch(url, target, sha))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fetch " + url + " by hand")
                .hasMessageContaining("put it at " + target.toAbsolutePath())
                .hasMessageContaining(sha);
    }

    @Test
    void fileAnnouncedLargerThanTheCapShouldBeRefusedWithoutRetries() {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");

        assertThatThrownBy(() -> download.fetch(url("/f"), target, null, 1000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("announced " + SIZE + " bytes, more than the 1000 accepted")
                .hasMessageContaining("nothing was kept");
        assertThat(ranges).hasSize(1);
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("model.bin.part")).doesNotExist();
    }

    @Test
    void bodyWithoutALengthShouldBeCutAtTheCap() {
        server.createContext(
                "/f",
                exchange -> {
                    ranges.add("chunked");
                    exchange.sendResponseHeaders(200, 0); // chunked: no length announced
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(data);
                    } catch (IOException e) {
                        // the client hung up
                    }
                });
        Path target = dir.resolve("model.bin");

        assertThatThrownBy(() -> download.fetch(url("/f"), target, null, 100_000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sent more than the 100000 bytes accepted");
        assertThat(ranges).hasSize(1);
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("model.bin.part")).doesNotExist();
    }

    @Test
    void existingTargetOverTheCapShouldBeDownloadedAgain() throws IOException {
        server.createContext("/f", this::serveRanged);
        Path target = dir.resolve("model.bin");
        Files.write(target, new byte[SIZE + 1]);

        download.fetch(url("/f"), target, null, SIZE);

        assertThat(Files.readAllBytes(target)).isEqualTo(data);
    }
}
