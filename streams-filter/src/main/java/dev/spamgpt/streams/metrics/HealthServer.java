package dev.spamgpt.streams.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server with three endpoints:
 *
 * <ul>
 *   <li>{@code /metrics}: every meter in Prometheus text format;
 *   <li>{@code /health/live}: 200 unless Kafka Streams has failed or stopped (ERROR, PENDING_ERROR,
 *       NOT_RUNNING), so that an orchestrator restarts a dead instance;
 *   <li>{@code /health/ready}: 200 only while Kafka Streams is RUNNING (not while it starts,
 *       rebalances or restores);
 *   <li>{@code /model} (GET) and {@code /model/reload} (POST), once {@link #modelControl} is set:
 *       the model in service and the last reload as JSON, and a request to check for a new model
 *       now, answered 202 at once because a load takes seconds. POST is refused (403) to other
 *       hosts than this one unless allowed.
 * </ul>
 *
 * Each answers with the current state in the body.
 *
 * <p><b>Why its own loop.</b> A probe must be answered however other clients behave. The JDK's
 * {@code HttpServer} reads a request on a worker thread, so a few clients that trickle their
 * headers occupy every worker, and its request time limits are JVM-wide system properties. This
 * server reads every connection on one non-blocking selector thread instead: a slow client costs a
 * buffer, not a thread. Each connection gets {@code requestTimeout} from accept to the end of its
 * response (a 408 when its request is not complete by then), a request head is at most {@value
 * #MAX_HEAD_BYTES} bytes (431 beyond), every response closes the connection, and at most {@value
 * #MAX_CONNECTIONS} connections are open at once: a new one beyond that evicts the oldest, which is
 * the one most likely to be stuck. The answers are computed on the selector thread; they take
 * microseconds (a metrics scrape milliseconds).
 */
public final class HealthServer implements AutoCloseable {

    /** From accept to the end of the response. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    static final int MAX_HEAD_BYTES = 8 * 1024;
    static final int MAX_CONNECTIONS = 256;

    /** How long a timed-out connection is drained after its 408 before it is closed. */
    private static final long DRAIN_NANOS = Duration.ofSeconds(1).toNanos();

    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final Set<KafkaStreams.State> DEAD =
            EnumSet.of(
                    KafkaStreams.State.ERROR,
                    KafkaStreams.State.PENDING_ERROR,
                    KafkaStreams.State.NOT_RUNNING);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final PrometheusMeterRegistry registry;
    private final Supplier<KafkaStreams.State> state;
    private final long timeoutNanos;

    /** Open connections, oldest first. */
    private final Set<SelectionKey> connections = new LinkedHashSet<>();

    private final Thread loop;
    private volatile boolean running = true;
    private volatile ModelControl modelControl;
    private volatile boolean remoteReload;

    /** What {@code /model} and {@code /model/reload} do; both run on the server's thread. */
    public interface ModelControl {
        /**
         * @return the model in service and the last reload, as a JSON object
         */
        String describe();

        /**
         * Starts a check for a new model and returns at once.
         *
         * @return one line for the caller
         */
        String reload();
    }

    /**
     * Serves {@code /model} and {@code /model/reload}.
     *
     * @param control what they do
     * @param allowRemote whether POST /model/reload is answered from other hosts
     */
    public void modelControl(ModelControl control, boolean allowRemote) {
        this.remoteReload = allowRemote;
        this.modelControl = control;
    }

    private HealthServer(
            ServerSocketChannel listener,
            Selector selector,
            PrometheusMeterRegistry registry,
            Supplier<KafkaStreams.State> state,
            Duration requestTimeout) {
        this.listener = listener;
        this.selector = selector;
        this.registry = registry;
        this.state = state;
        this.timeoutNanos = requestTimeout.toNanos();
        this.loop = new Thread(this::run, "spamgpt-http");
        loop.setDaemon(true);
    }

    /**
     * Starts the server with the {@link #DEFAULT_REQUEST_TIMEOUT}.
     *
     * @param host address to bind, for example {@code 0.0.0.0}
     * @param port port to bind, 0 for any free port
     * @param registry the registry to scrape
     * @param state the current Kafka Streams state
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HealthServer start(
            String host,
            int port,
            PrometheusMeterRegistry registry,
            Supplier<KafkaStreams.State> state)
            throws IOException {
        return start(host, port, registry, state, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Starts the server.
     *
     * @param host address to bind, for example {@code 0.0.0.0}
     * @param port port to bind, 0 for any free port
     * @param registry the registry to scrape
     * @param state the current Kafka Streams state
     * @param requestTimeout time a connection gets from accept to the end of its response
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    public static HealthServer start(
            String host,
            int port,
            PrometheusMeterRegistry registry,
            Supplier<KafkaStreams.State> state,
            Duration requestTimeout)
            throws IOException {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "request timeout must be positive, got " + requestTimeout);
        }
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(host, port), 64);
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            listener.close();
            selector.close();
            throw e;
        }
        HealthServer server = new HealthServer(listener, selector, registry, state, requestTimeout);
        server.loop.start();
        return server;
    }

    /** Returns the bound port. */
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(listener);
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("Closing the selector", e);
        }
    }

    /**
     * One connection's progress: reading its request head, then writing the answer, then draining.
     */
    private static final class Connection {
        long deadline;
        final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD_BYTES);
        ByteBuffer response;
        boolean draining;
        int scanned;

        Connection(long deadline) {
            this.deadline = deadline;
        }
    }

    private void run() {
        try {
            while (running) {
                selector.select(250);
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    handle(key);
                }
                expire(System.nanoTime());
            }
        } catch (IOException | ClosedSelectorException e) {
            if (running) {
                LOG.error("HTTP server stopped", e);
            }
        } finally {
            for (SelectionKey key : new ArrayList<>(connections)) {
                close(key);
            }
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (!key.isValid()) {
                close(key);
            } else if (key.isAcceptable()) {
                accept();
            } else if (key.isReadable()) {
                read(key);
            } else if (key.isWritable()) {
                write(key);
            }
        } catch (IOException e) {
            close(key);
        } catch (RuntimeException e) {
            LOG.warn("HTTP connection failed", e);
            close(key);
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            if (connections.size() >= MAX_CONNECTIONS) {
                close(connections.iterator().next());
            }
            channel.configureBlocking(false);
            SelectionKey key =
                    channel.register(
                            selector,
                            SelectionKey.OP_READ,
                            new Connection(System.nanoTime() + timeoutNanos));
            connections.add(key);
        }
    }

    private void read(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        if (c.draining) {
            // After the answer: wait for the client to close, so that unread bytes do not turn
            // our close into a reset that could destroy the answer in flight.
            ByteBuffer sink = ByteBuffer.allocate(1024);
            while (true) {
                int n = channel.read(sink.clear());
                if (n < 0) {
                    close(key);
                    return;
                }
                if (n == 0) {
                    return;
                }
            }
        }
        int n = channel.read(c.head);
        if (n < 0) {
            close(key);
            return;
        }
        int end = headEnd(c);
        if (end >= 0) {
            respond(
                    key,
                    answer(
                            new String(c.head.array(), 0, end, StandardCharsets.ISO_8859_1),
                            isLoopback(channel)));
        } else if (!c.head.hasRemaining()) {
            respond(key, Response.text(431, "request head over " + MAX_HEAD_BYTES + " bytes\n"));
        }
    }

    /** Returns the length of the request head once its blank line has arrived, or -1. */
    private static int headEnd(Connection c) {
        byte[] bytes = c.head.array();
        int limit = c.head.position();
        for (int i = Math.max(0, c.scanned - 3); i < limit; i++) {
            if (bytes[i] == '\n'
                    && ((i >= 1 && bytes[i - 1] == '\n')
                            || (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        c.scanned = limit;
        return -1;
    }

    private void write(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        channel.write(c.response);
        if (!c.response.hasRemaining()) {
            channel.shutdownOutput();
            c.draining = true;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void respond(SelectionKey key, Response response) throws IOException {
        Connection c = (Connection) key.attachment();
        c.response = response.bytes();
        key.interestOps(SelectionKey.OP_WRITE);
        write(key);
    }

    private void expire(long now) {
        List<SelectionKey> late = new ArrayList<>();
        for (SelectionKey key : connections) {
            if (now - ((Connection) key.attachment()).deadline > 0) {
                late.add(key);
            }
        }
        for (SelectionKey key : late) {
            Connection c = (Connection) key.attachment();
            if (c.response != null) {
                close(key);
                continue;
            }
            // A 408, then a moment of draining: closing on bytes still arriving would reset the
            // connection and could destroy the 408 before the client reads it. The socket buffer
            // of a client that sends slowly has room for these few bytes.
            try {
                SocketChannel channel = (SocketChannel) key.channel();
                c.response = Response.text(408, "request not complete in time\n").bytes();
                channel.write(c.response);
                channel.shutdownOutput();
                c.draining = true;
                c.deadline = now + DRAIN_NANOS;
                key.interestOps(SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                close(key);
            }
        }
    }

    private void close(SelectionKey key) {
        connections.remove(key);
        key.cancel();
        closeQuietly(key.channel());
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a channel", e);
        }
    }

    private static boolean isLoopback(SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof InetSocketAddress remote
                    && remote.getAddress() != null
                    && remote.getAddress().isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /** Routes one request head, from this host, to its answer. */
    Response answer(String requestHead) {
        return answer(requestHead, true);
    }

    /** Routes one request head to its answer. */
    Response answer(String requestHead, boolean fromLoopback) {
        int lineEnd = requestHead.indexOf('\n');
        String[] requestLine = requestHead.substring(0, lineEnd).strip().split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/")) {
            return Response.text(400, "bad request line\n");
        }
        String method = requestLine[0];
        String target = requestLine[1];
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        ModelControl control = modelControl;
        if (control != null && (path.equals("/model") || path.equals("/model/reload"))) {
            return answerModel(control, method, path, fromLoopback);
        }
        boolean known =
                path.equals("/metrics")
                        || path.equals("/health/live")
                        || path.equals("/health/ready");
        if (!known) {
            return Response.text(404, "endpoints: /metrics /health/live /health/ready\n")
                    .head(method.equals("HEAD"));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Response.text(405, "method not allowed\n").allow("GET, HEAD");
        }
        boolean head = method.equals("HEAD");
        try {
            return switch (path) {
                case "/metrics" ->
                        new Response(
                                200,
                                "text/plain; version=0.0.4; charset=utf-8",
                                registry.scrape(),
                                null,
                                head);
                case "/health/live" -> {
                    KafkaStreams.State s = state.get();
                    yield new Response(DEAD.contains(s) ? 503 : 200, TEXT, s + "\n", null, head);
                }
                default -> {
                    KafkaStreams.State s = state.get();
                    yield new Response(
                            s == KafkaStreams.State.RUNNING ? 200 : 503,
                            TEXT,
                            s + "\n",
                            null,
                            head);
                }
            };
        } catch (RuntimeException e) {
            LOG.warn("Answering {} failed", path, e);
            return Response.text(500, "internal error\n").head(head);
        }
    }

    private Response answerModel(
            ModelControl control, String method, String path, boolean fromLoopback) {
        boolean head = method.equals("HEAD");
        try {
            if (path.equals("/model")) {
                if (!method.equals("GET") && !head) {
                    return Response.text(405, "method not allowed\n").allow("GET, HEAD");
                }
                return new Response(200, "application/json", control.describe() + "\n", null, head);
            }
            if (!method.equals("POST")) {
                return Response.text(405, "POST /model/reload checks for a new model\n")
                        .allow("POST");
            }
            if (!fromLoopback && !remoteReload) {
                return Response.text(
                        403,
                        "POST /model/reload is answered only from this host; start the filter"
                                + " with --allow-remote-reload to allow others\n");
            }
            return Response.text(202, control.reload() + "\n");
        } catch (RuntimeException e) {
            LOG.warn("Answering {} failed", path, e);
            return Response.text(500, "internal error\n").head(head);
        }
    }

    /** An answer; the connection closes after it. */
    record Response(int status, String contentType, String body, String allow, boolean head) {

        static Response text(int status, String body) {
            return new Response(status, TEXT, body, null, false);
        }

        Response head(boolean isHead) {
            return new Response(status, contentType, body, allow, isHead);
        }

        Response allow(String methods) {
            return new Response(status, contentType, body, methods, head);
        }

        ByteBuffer bytes() {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder headers =
                    new StringBuilder()
                            .append("HTTP/1.1 ")
                            .append(status)
                            .append(' ')
                            .append(reason(status))
                            .append("\r\n")
                            .append("Content-Type: ")
                            .append(contentType)
                            .append("\r\n")
                            .append("Content-Length: ")
                            .append(content.length)
                            .append("\r\n")
                            .append("Connection: close\r\n");
            if (allow != null) {
                headers.append("Allow: ").append(allow).append("\r\n");
            }
            headers.append("\r\n");
            byte[] top = headers.toString().getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer out = ByteBuffer.allocate(top.length + (head ? 0 : content.length));
            out.put(top);
            if (!head) {
                out.put(content);
            }
            return out.flip();
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 202 -> "Accepted";
                case 403 -> "Forbidden";
                case 400 -> "Bad Request";
                case 404 -> "Not Found";
                case 405 -> "Method Not Allowed";
                case 408 -> "Request Timeout";
                case 431 -> "Request Header Fields Too Large";
                case 500 -> "Internal Server Error";
                case 503 -> "Service Unavailable";
                default -> "Status";
            };
        }
    }
}
