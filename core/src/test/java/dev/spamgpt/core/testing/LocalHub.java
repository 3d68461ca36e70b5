package dev.spamgpt.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * A stand-in for the Hugging Face hub on 127.0.0.1: serves checkpoint folders at
 * {@code /<id>/resolve/main/<file>}, honours {@code Range: bytes=N-} like the real CDN, and
 * records every request so tests can check what was fetched (and what was not).
 */
public final class LocalHub implements AutoCloseable {

    private static final Pattern PATH = Pattern.compile("/(.+)/resolve/main/([^/]+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final Map<String, Path> models = new LinkedHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
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
     * Makes the next full (non-range) response stop after some bytes, as a dropped connection
     * would; later responses are whole again.
     *
     * @param bytes how many body bytes to send before closing
     */
    public void cutNextResponseAfter(long bytes) {
        cutAfterBytes = bytes;
    }

    /** @return the base URL, such as {@code http://127.0.0.1:41234} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return every request so far, as {@code "GET /path"} plus {@code " Range: ..."} if sent */
    public List<String> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String range = exchange.getRequestHeaders().getFirst("Range");
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path + (range == null ? "" : " Range: " + range));
            Matcher m = PATH.matcher(path);
            Path folder = m.matches() ? models.get(m.group(1)) : null;
            Path file = folder == null ? null : folder.resolve(m.group(2));
            if (file == null || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
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
                exchange.getResponseHeaders().set("Content-Range",
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
