package dev.spamgpt.trainer.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: serves checkpoint folders at {@code
 * /<id>/resolve/main/<file>}, honours {@code Range: bytes=N-} like the real CDN, and records every
 * request so tests can check what was fetched (and what was not).
 *
 * <p>Files marked as LFS files are answered like the real hub answers them: a 302 redirect to
 * {@code /cdn/<id>/<file>} carrying {@code X-Linked-Etag} (the quoted SHA-256) and {@code
 * X-Linked-Size}; a test can make those declarations lie.
 */
public final class LocalHub implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/(.+)/resolve/main/([^/]+)");
    private static final Pattern CDN = Pattern.compile("/cdn/(.+)/([^/]+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, Path> models = new LinkedHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> lfsSha = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> lfsSize = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long cutAfterBytes = -1;

    /**
     * Starts the server on a free port.
     *
     * @throws IOException if no port can be bound
     */
    public LocalHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Serves a folder's files under a hub id.
     *
     * @param hubId such as {@code test-org/tiny-gpt2}
     * @param folder holds {@code config.json} and {@code model.safetensors}
     * @return this
     */
    public LocalHub serve(String hubId, Path folder) {
        models.put(hubId, folder);
        return this;
    }

    /**
     * Serves a file name (in every model) as an LFS file: a redirect to the CDN path that declares
     * the file's real SHA-256 and size, as the real hub does.
     *
     * @param file such as {@code model.safetensors}
     * @return this
     */
    public LocalHub lfs(String file) {
        lfsSha.put(file, "");
        lfsSize.put(file, -1L);
        return this;
    }

    /**
     * Serves a file name as an LFS file whose redirect declares the given SHA-256 and size, true or
     * not.
     *
     * @param file such as {@code model.safetensors}
     * @param sha256 the SHA-256 to declare in {@code X-Linked-Etag}
     * @param size the size to declare in {@code X-Linked-Size}
     * @return this
     */
    public LocalHub declare(String file, String sha256, long size) {
        lfsSha.put(file, sha256);
        lfsSize.put(file, size);
        return this;
    }

    /**
     * Makes the next full (non-range) response stop after some bytes, as a dropped connection
     * would; later responses are whole again.
     *
     * @param bytes how many body bytes to send before closing
     */
    public void cutNextResponseAfter(long bytes) {
        cutAfterBytes = bytes;
    }

    /**
     * @return the base URL, such as {@code http://127.0.0.1:41234}
     */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * A base URL where nothing listens: a loopback port that was free a moment ago.
     *
     * @return such as {@code http://127.0.0.1:41234}
     * @throws IOException if no port can be bound
     */
    public static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /**
     * @return every request so far, as {@code "GET /path"} plus {@code " Range: ..."} if sent
     */
    public List<String> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String range = exchange.getRequestHeaders().getFirst("Range");
            String path = exchange.getRequestURI().getPath();
            requests.add(
                    exchange.getRequestMethod()
                            + " "
                            + path
                            + (range == null ? "" : " Range: " + range));
            Matcher m = PATH.matcher(path);
            boolean viaCdn = false;
            if (!m.matches()) {
                m = CDN.matcher(path);
                viaCdn = m.matches();
            }
            Path folder = m.matches() ? models.get(m.group(1)) : null;
            Path file = folder == null ? null : folder.resolve(m.group(2));
            if (file == null || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String name = m.group(2);
            if (!viaCdn && lfsSha.containsKey(name)) {
                String sha = lfsSha.get(name).isEmpty() ? Sha256.ofFile(file) : lfsSha.get(name);
                long size = lfsSize.get(name) < 0 ? Files.size(file) : lfsSize.get(name);
                exchange.getResponseHeaders()
                        .set("Location", url() + "/cdn/" + m.group(1) + "/" + name);
                exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                exchange.getResponseHeaders().set("X-Linked-Size", Long.toString(size));
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            Matcher r = range == null ? null : RANGE.matcher(range);
            int from = 0;
            if (r != null && r.matches()) {
                from = (int) Long.parseLong(r.group(1));
                if (from >= body.length) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                exchange.getResponseHeaders()
                        .set(
                                "Content-Range",
                                "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                exchange.sendResponseHeaders(206, body.length - from);
            } else {
                exchange.sendResponseHeaders(200, body.length);
            }
            long cut = cutAfterBytes;
            OutputStream out = exchange.getResponseBody();
            if (cut >= 0 && from == 0) {
                cutAfterBytes = -1;
                out.write(body, 0, (int) Math.min(cut, body.length));
                out.flush();
                // Closing the exchange short of the declared length drops the connection.
                return;
            }
            out.write(body, from, body.length - from);
            out.close();
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
