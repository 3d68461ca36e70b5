package dev.spamgpt.mailet;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deliberately small HTTP/1.1 server for one resource, {@code GET /metrics}, that no client can
 * hold up: a few worker threads with a bounded queue (a connection beyond both gets {@code 503} at
 * once), a time limit on each connection for its request line and headers however slowly they
 * trickle in (counted from the accept, so it covers the wait in the queue), a size limit on them,
 * and a time limit on writing the answer. Every answer closes the connection. The JDK's {@code
 * HttpServer} has none of these limits except through JVM-wide system properties, which a mailet
 * must not set inside James.
 */
final class MetricsHttpServer implements Closeable {

    /** The bounds of a server; {@link #defaults()} are the mailet's. */
    static final class Limits {
        final int threads;
        final int queue;
        final long headerMillis;
        final long writeMillis;
        final int maxHeaderBytes;

        Limits(int threads, int queue, long headerMillis, long writeMillis, int maxHeaderBytes) {
            this.threads = threads;
            this.queue = queue;
            this.headerMillis = headerMillis;
            this.writeMillis = writeMillis;
            this.maxHeaderBytes = maxHeaderBytes;
        }

        /**
         * 4 threads, 16 waiting connections, 5 s for the request, 10 s for the answer, 16 KiB of
         * headers.
         */
        static Limits defaults() {
            return new Limits(4, 16, 5_000, 10_000, 16 * 1024);
        }
    }

    static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOGGER = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final int BACKLOG = 64;
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final long DRAIN_MILLIS = 500;
    private static final long DRAIN_BYTES = 64 * 1024;

    private final Supplier<String> body;
    private final Limits limits;
    private final ServerSocket listener;
    private final ThreadPoolExecutor workers;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * Binds and starts serving.
     *
     * @param address the address to bind; port 0 picks a free one
     * @param body what {@code GET /metrics} answers, built per request
     * @param limits the bounds
     * @throws IOException when the address cannot be bound
     */
    MetricsHttpServer(InetSocketAddress address, Supplier<String> body, Limits limits)
            throws IOException {
        this.body = body;
        this.limits = limits;
        this.listener = new ServerSocket();
        try {
            listener.bind(address, BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        workers =
                new ThreadPoolExecutor(
                        limits.threads,
                        limits.threads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new ArrayBlockingQueue<>(limits.queue),
                        daemon("spamgpt-metrics-http-"),
                        new ThreadPoolExecutor.AbortPolicy());
        timer = new ScheduledThreadPoolExecutor(1, daemon("spamgpt-metrics-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        acceptor = daemon("spamgpt-metrics-accept-").newThread(this::acceptLoop);
        acceptor.start();
    }

    /**
     * @return the bound port
     */
    int port() {
        return listener.getLocalPort();
    }

    /**
     * @return the bound address
     */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Stops accepting, closes every open connection and stops the threads. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        workers.shutdownNow();
        timer.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // Such as too many open files: back off instead of spinning.
                LOGGER.warn(
                        "SpamGPT metrics endpoint could not accept a connection: {}", e.toString());
                sleepQuietly(ACCEPT_RETRY_MILLIS);
                continue;
            }
            open.add(client);
            ScheduledFuture<?> requestDeadline = null;
            try {
                requestDeadline =
                        timer.schedule(
                                () -> closeQuietly(client),
                                limits.headerMillis,
                                TimeUnit.MILLISECONDS);
                client.setSoTimeout((int) limits.headerMillis);
                ScheduledFuture<?> deadline = requestDeadline;
                workers.execute(() -> exchange(client, deadline));
            } catch (IOException | RuntimeException e) {
                // RejectedExecutionException: every worker is busy and the queue is full.
                if (requestDeadline != null) {
                    requestDeadline.cancel(false);
                }
                refuse(client);
            }
        }
    }

    private void exchange(Socket client, ScheduledFuture<?> requestDeadline) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            String requestLine = readRequestHead(in);
            if (!requestDeadline.cancel(false)) {
                return; // too slow: the timer has closed the connection
            }
            if (requestLine == null) {
                return;
            }
            ScheduledFuture<?> writeDeadline =
                    timer.schedule(
                            () -> closeQuietly(client), limits.writeMillis, TimeUnit.MILLISECONDS);
            try {
                answer(client.getOutputStream(), requestLine);
                if (requestLine.isEmpty()) {
                    // Closing with unread input would reset the connection and lose the answer.
                    client.shutdownOutput();
                    drain(client, in);
                }
            } finally {
                writeDeadline.cancel(false);
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.debug(
                    "SpamGPT metrics connection from {} ended: {}",
                    client.getRemoteSocketAddress(),
                    e.toString());
        } finally {
            requestDeadline.cancel(false);
            closeQuietly(client);
        }
    }

    /**
     * Reads up to the blank line that ends the headers.
     *
     * @return the request line, "" when the head is too big, or null when the client hung up
     */
    private String readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int last = -1;
        int lineLength = 0;
        String requestLine = null;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() >= limits.maxHeaderBytes) {
                return "";
            }
            head.write(b);
            if (b == '\n') {
                if (requestLine == null) {
                    requestLine = head.toString(StandardCharsets.ISO_8859_1).trim();
                    if (requestLine.isEmpty()) {
                        requestLine = null; // blank lines before the request line are allowed
                        head.reset();
                    }
                } else if (lineLength == 0 || (lineLength == 1 && last == '\r')) {
                    return requestLine;
                }
                lineLength = 0;
            } else {
                lineLength++;
            }
            last = b;
        }
    }

    /** Reads what is left of an oversized head, within a small bound of bytes and time. */
    private static void drain(Socket client, InputStream in) throws IOException {
        client.setSoTimeout((int) DRAIN_MILLIS);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        byte[] buffer = new byte[4096];
        long left = DRAIN_BYTES;
        int n;
        while (left > 0 && System.nanoTime() < end && (n = in.read(buffer)) >= 0) {
            left -= n;
        }
    }

    private void answer(OutputStream out, String requestLine) throws IOException {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            respond(
                    out,
                    requestLine.isEmpty()
                            ? "431 Request Header Fields Too Large"
                            : "400 Bad Request",
                    null);
            return;
        }
        String target = parts[1];
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        if (!PATH.equals(path)) {
            respond(out, "404 Not Found", null);
        } else if (!"GET".equals(parts[0])) {
            respond(out, "405 Method Not Allowed", null);
        } else {
            respond(out, "200 OK", body.get().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(OutputStream out, String status, byte[] content)
            throws IOException {
        byte[] payload = content == null ? new byte[0] : content;
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
        if (content != null) {
            head.append("Content-Type: ").append(CONTENT_TYPE).append("\r\n");
        }
        if (status.startsWith("405")) {
            head.append("Allow: GET\r\n");
        }
        head.append("Content-Length: ")
                .append(payload.length)
                .append("\r\n")
                .append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
        out.flush();
    }

    private void refuse(Socket client) {
        try {
            // Fits in the socket's send buffer: this write does not block the acceptor.
            respond(client.getOutputStream(), "503 Service Unavailable", null);
        } catch (IOException e) {
            // the client is gone already
        } finally {
            closeQuietly(client);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
