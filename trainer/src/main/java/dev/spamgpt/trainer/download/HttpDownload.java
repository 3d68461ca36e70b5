package dev.spamgpt.trainer.download;

import dev.spamgpt.core.util.ProgressBar;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a URL to a file the way a user wants a 500 MB download to behave:
 *
 * <ul>
 *   <li>a file already at the target is reused (after checking its SHA-256, when one is given);
 *   <li>bytes go to {@code <target>.part}, which is renamed atomically once complete, so the target
 *       never holds a partial file;
 *   <li>a cut connection, a stalled one, a server error, or an earlier run that was killed, resumes
 *       from the end of the {@code .part} file with an HTTP {@code Range} request (a server that
 *       cannot be reached at all fails at once, without retries);
 *   <li>nothing unverified is renamed into place: a size cap ({@code maxBytes}) is checked against
 *       the announced length and the bytes received, and the file is checked against the expected
 *       SHA-256 and against what the server declares for it (the Hugging Face hub's {@code
 *       X-Linked-Size} and {@code X-Linked-Etag}, the size and SHA-256 of an LFS file, sent on the
 *       redirect to its CDN). A file that fails is deleted, never reused;
 *   <li>a {@link ProgressBar} shows bytes, rate and ETA on standard error;
 *   <li>when the server cannot be reached, the {@link IOException} says which URL to fetch by hand
 *       and where to put the file.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; two downloads to the same target at the same time are
 * not supported.
 */
public final class HttpDownload {

    private static final Pattern CONTENT_RANGE =
            Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);
    private static final int BUFFER = 1 << 16;

    private static final ScheduledExecutorService WATCHDOG =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread thread = new Thread(r, "spamgpt-download-watchdog");
                        thread.setDaemon(true);
                        return thread;
                    });

    private final HttpClient client;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int retries;
    private final Duration retryDelay;
    private final boolean progress;
    private final PrintStream log;

    private HttpDownload(
            Duration connectTimeout,
            Duration readTimeout,
            int retries,
            Duration retryDelay,
            boolean progress,
            PrintStream log) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.retries = retries;
        this.retryDelay = retryDelay;
        this.progress = progress;
        this.log = log;
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(connectTimeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
    }

    /**
     * Returns a downloader with the defaults: 30 s to connect, 60 s without data counts as a stall,
     * 3 retries (resuming) 2 s apart, a progress bar on standard error.
     *
     * @return the downloader
     */
    public static HttpDownload create() {
        return new HttpDownload(
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                3,
                Duration.ofSeconds(2),
                true,
                System.err);
    }

    /**
     * Returns a copy with other timeouts.
     *
     * @param connect the most time to open a connection and receive the response headers
     * @param read the most time without receiving any body bytes
     * @return the new downloader
     */
    public HttpDownload withTimeouts(Duration connect, Duration read) {
        return new HttpDownload(connect, read, retries, retryDelay, progress, log);
    }

    /**
     * Returns a copy with another retry policy. Each retry resumes where the last attempt stopped;
     * the n-th retry waits n times {@code delay}.
     *
     * @param count how many times to retry after a failed attempt, at least 0
     * @param delay the base wait between attempts
     * @return the new downloader
     */
    public HttpDownload withRetries(int count, Duration delay) {
        if (count < 0) {
            throw new IllegalArgumentException("retries must be >= 0, got " + count);
        }
        return new HttpDownload(connectTimeout, readTimeout, count, delay, progress, log);
    }

    /**
     * Returns a copy that shows (or hides) the progress bar and the status lines.
     *
     * @param show whether to print on standard error
     * @return the new downloader
     */
    public HttpDownload withProgress(boolean show) {
        return new HttpDownload(connectTimeout, readTimeout, retries, retryDelay, show, log);
    }

    /**
     * Downloads a URL to a file unless the file is already there.
     *
     * @param url the http(s) URL
     * @param target where the file goes; parent folders are created
     * @return the target
     * @throws IOException if the download fails; the message says how to get the file by hand
     */
    public Path fetch(String url, Path target) throws IOException {
        return fetch(url, target, null);
    }

    /**
     * Downloads a URL to a file and checks its SHA-256. An existing target with the right hash is
     * reused; one with a wrong hash is downloaded again.
     *
     * @param url the http(s) URL
     * @param target where the file goes; parent folders are created
     * @param expectedSha256 the expected SHA-256 in hex, or null to skip the check
     * @return the target
     * @throws IOException if the download fails or the downloaded bytes have another hash
     */
    public Path fetch(String url, Path target, String expectedSha256) throws IOException {
        return fetch(url, target, expectedSha256, Long.MAX_VALUE);
    }

    /**
     * Downloads a URL to a file of at most {@code maxBytes}, checking its SHA-256. A larger file is
     * refused as soon as its announced length or the bytes received pass the cap, and deleted.
     *
     * @param url the http(s) URL
     * @param target where the file goes; parent folders are created
     * @param expectedSha256 the expected SHA-256 in hex, or null to skip the check
     * @param maxBytes the largest file accepted
     * @return the target
     * @throws IOException if the download fails or the file is too large or has another hash
     */
    public Path fetch(String url, Path target, String expectedSha256, long maxBytes)
            throws IOException {
        return download(url, target, expectedSha256, maxBytes).path();
    }

    /** What {@link #download} did. */
    public static final class Fetched {
        private final Path path;
        private final String sha256;
        private final boolean downloaded;

        Fetched(Path path, String sha256, boolean downloaded) {
            this.path = path;
            this.sha256 = sha256;
            this.downloaded = downloaded;
        }

        /**
         * @return the target
         */
        public Path path() {
            return path;
        }

        /**
         * @return the SHA-256 of the file when it was downloaded or checked now, else null (an
         *     existing target reused without an expected hash)
         */
        public String sha256() {
            return sha256;
        }

        /**
         * @return whether bytes were fetched (false: the existing target was reused)
         */
        public boolean downloaded() {
            return downloaded;
        }
    }

    /**
     * Like {@link #fetch(String, Path, String, long)}, and tells whether the file was fetched and
     * its SHA-256.
     *
     * @param url the http(s) URL
     * @param target where the file goes; parent folders are created
     * @param expectedSha256 the expected SHA-256 in hex, or null to skip the check
     * @param maxBytes the largest file accepted
     * @return the target, its hash and whether it was downloaded
     * @throws IOException if the download fails or the file is too large or has another hash
     */
    public Fetched download(String url, Path target, String expectedSha256, long maxBytes)
            throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        URI uri = URI.create(url);
        String expected = expectedSha256 == null ? null : expectedSha256.toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(target)) {
            if (Files.size(target) > maxBytes) {
                say(target + " is larger than " + maxBytes + " bytes: downloading it again");
                Files.delete(target);
            } else if (expected == null) {
                return new Fetched(target, null, false);
            } else {
                String actual = Sha256.ofFile(target);
                if (actual.equals(expected)) {
                    return new Fetched(target, actual, false);
                }
                say(
                        target
                                + " has sha256 "
                                + actual
                                + ", expected "
                                + expected
                                + ": downloading it again");
                Files.delete(target);
            }
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");

        Declared declared = new Declared();
        IOException failure = null;
        boolean complete = false;
        for (int attempt = 0; attempt <= retries && !complete; attempt++) {
            if (attempt > 0) {
                say("retrying (" + attempt + "/" + retries + ") after: " + describe(failure));
                pause(retryDelay.multipliedBy(attempt));
            }
            try {
                transfer(uri, part, maxBytes, declared);
                complete = true;
            } catch (RefusedException e) {
                Files.deleteIfExists(part);
                throw new IOException(
                        "refused "
                                + url
                                + ": "
                                + e.getMessage()
                                + "; the partial"
                                + " file was deleted and nothing was kept.",
                        e);
            } catch (HttpStatusException e) {
                failure = e;
                if (!e.retryable()) {
                    break;
                }
            } catch (InterruptedIOException e) {
                throw e;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // No route, no DNS, nobody listening: retrying would only make the user wait.
                failure = e;
                break;
            } catch (IOException e) {
                failure = e;
            }
        }
        if (!complete) {
            throw new IOException(handFetchMessage(url, target, expected, failure), failure);
        }

        long size = Files.size(part);
        if (size > maxBytes) {
            throw discard(
                    part,
                    url,
                    "it has " + size + " bytes, more than the " + maxBytes + " accepted");
        }
        if (declared.size >= 0 && size != declared.size) {
            throw discard(
                    part,
                    url,
                    "it has "
                            + size
                            + " bytes, while the server declared "
                            + declared.size
                            + " (X-Linked-Size)");
        }
        String actual = Sha256.ofFile(part);
        if (expected != null && !actual.equals(expected)) {
            throw discard(
                    part,
                    url,
                    "its sha256 is " + actual + ", expected " + expected,
                    " The server sent other content, or the expected hash is out of date.");
        }
        if (declared.sha256 != null && !actual.equals(declared.sha256)) {
            throw discard(
                    part,
                    url,
                    "its sha256 is "
                            + actual
                            + ", while the server declared "
                            + declared.sha256
                            + " (X-Linked-Etag)");
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Fetched(target, actual, true);
    }

    /**
     * Deletes a downloaded file that failed a check.
     *
     * @return the error to throw: what was wrong with the file, and that it was deleted
     */
    private static IOException discard(Path part, String url, String problem) throws IOException {
        return discard(part, url, problem, "");
    }

    /**
     * Deletes a downloaded file that failed a check.
     *
     * @return the error to throw: what was wrong with the file, that it was deleted, and the advice
     */
    private static IOException discard(Path part, String url, String problem, String advice)
            throws IOException {
        Files.delete(part);
        return new IOException(
                "downloaded " + url + " but " + problem + "; the file was deleted." + advice);
    }

    /** The size and SHA-256 the server declared for the file, if it did. */
    private static final class Declared {
        long size = -1;
        String sha256;
    }

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * Reads the hub's declarations from every response of the redirect chain: the first hop (the
     * hub itself) carries them, the CDN it redirects to does not.
     */
    private static void readDeclared(HttpResponse<?> response, Declared declared)
            throws RefusedException {
        for (HttpResponse<?> r = response; r != null; r = r.previousResponse().orElse(null)) {
            String size = r.headers().firstValue("X-Linked-Size").orElse(null);
            if (size != null) {
                try {
                    declared.size = Long.parseLong(size.trim());
                } catch (NumberFormatException e) {
                    throw new RefusedException(
                            "the server declared an X-Linked-Size of '" + abbreviate(size) + "'");
                }
            }
            String etag = r.headers().firstValue("X-Linked-Etag").orElse(null);
            if (etag != null) {
                String tag = etag.trim();
                if (tag.startsWith("W/")) {
                    tag = tag.substring(2);
                }
                tag = tag.replace("\"", "").toLowerCase(Locale.ROOT);
                // An LFS file's etag is its SHA-256; anything else is not a digest we can check.
                if (SHA256_HEX.matcher(tag).matches()) {
                    declared.sha256 = tag;
                }
            }
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }

    /** One attempt: continues {@code part} from its current size to the end of the resource. */
    private void transfer(URI uri, Path part, long maxBytes, Declared declared) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(connectTimeout).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + uri + " interrupted");
        }
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            if (status == 200 || status == 206 || status == 416) {
                readDeclared(response, declared);
                if (declared.size > maxBytes) {
                    throw new RefusedException(
                            "the server declared "
                                    + declared.size
                                    + " bytes, more than the "
                                    + maxBytes
                                    + " accepted");
                }
            }
            long total;
            boolean append;
            if (status == 206 && have > 0) {
                Matcher range = contentRange(response);
                if (range == null
                        || range.group(1) == null
                        || Long.parseLong(range.group(1)) != have) {
                    Files.deleteIfExists(part);
                    throw new IOException("the server resumed at the wrong offset; restarting");
                }
                total = "*".equals(range.group(3)) ? -1 : Long.parseLong(range.group(3));
                append = true;
            } else if (status == 416 && have > 0) {
                // Nothing left to send: either the part is complete or it is not this file.
                Matcher range = contentRange(response);
                if (range != null && range.group(3).equals(Long.toString(have))) {
                    return;
                }
                Files.deleteIfExists(part);
                throw new IOException("the server refused to resume; restarting");
            } else if (status == 200) {
                // A server that ignores Range sends everything again.
                OptionalLong length = response.headers().firstValueAsLong("Content-Length");
                total = length.isPresent() ? length.getAsLong() : -1;
                have = 0;
                append = false;
            } else {
                throw new HttpStatusException(status, uri);
            }
            // The declared size, when there is one, is the cap: not one byte more is written.
            long cap = declared.size >= 0 ? Math.min(maxBytes, declared.size) : maxBytes;
            if (total > cap) {
                throw new RefusedException(
                        "the server announced "
                                + total
                                + " bytes, more than"
                                + " the "
                                + cap
                                + " accepted");
            }
            copy(body, part, append, have, total, cap);
        }
    }

    private void copy(
            InputStream body, Path part, boolean append, long have, long total, long maxBytes)
            throws IOException {
        AtomicLong lastData = new AtomicLong(System.nanoTime());
        AtomicBoolean stalled = new AtomicBoolean();
        long stallNanos = readTimeout.toNanos();
        ScheduledFuture<?> watchdog =
                WATCHDOG.scheduleWithFixedDelay(
                        () -> {
                            if (System.nanoTime() - lastData.get() > stallNanos
                                    && stalled.compareAndSet(false, true)) {
                                try {
                                    body.close(); // unblocks the reading thread
                                } catch (IOException ignored) {
                                    // The reader reports the stall.
                                }
                            }
                        },
                        Math.max(1, stallNanos / 4),
                        Math.max(1, stallNanos / 4),
                        TimeUnit.NANOSECONDS);

        long size = have;
        String name = part.getFileName().toString().replaceFirst("\\.part$", "");
        try (OutputStream out =
                        Files.newOutputStream(
                                part,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                append
                                        ? StandardOpenOption.APPEND
                                        : StandardOpenOption.TRUNCATE_EXISTING);
                ProgressBar bar =
                        progress
                                ? new ProgressBar(
                                        name,
                                        total,
                                        have,
                                        true,
                                        log,
                                        System.console() != null,
                                        System::nanoTime)
                                : null) {
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = body.read(buffer)) != -1) {
                lastData.set(System.nanoTime());
                if (size + n > maxBytes) {
                    throw new RefusedException(
                            "the server sent more than the " + maxBytes + " bytes accepted");
                }
                out.write(buffer, 0, n);
                size += n;
                if (bar != null) {
                    bar.set(size);
                }
            }
        } catch (RefusedException e) {
            throw e;
        } catch (IOException e) {
            if (stalled.get()) {
                throw new IOException(
                        "no data for " + readTimeout.toSeconds() + " s after " + size + " bytes",
                        e);
            }
            throw new IOException(
                    "connection lost after "
                            + size
                            + " of "
                            + (total < 0 ? "?" : Long.toString(total))
                            + " bytes: "
                            + e.getMessage(),
                    e);
        } finally {
            watchdog.cancel(false);
        }
        if (stalled.get()) {
            throw new IOException(
                    "no data for " + readTimeout.toSeconds() + " s after " + size + " bytes");
        }
        if (total >= 0 && size != total) {
            throw new IOException("connection closed after " + size + " of " + total + " bytes");
        }
    }

    private static Matcher contentRange(HttpResponse<?> response) {
        String header = response.headers().firstValue("Content-Range").orElse(null);
        if (header == null) {
            return null;
        }
        Matcher matcher = CONTENT_RANGE.matcher(header.trim());
        return matcher.matches() ? matcher : null;
    }

    private static String handFetchMessage(
            String url, Path target, String expected, IOException failure) {
        String reason = failure == null ? "unknown error" : describe(failure);
        StringBuilder message =
                new StringBuilder()
                        .append("could not download ")
                        .append(url)
                        .append(" (")
                        .append(reason)
                        .append(").")
                        .append(" If this machine is offline or the server is unreachable, fetch ")
                        .append(url)
                        .append(" by hand (browser, curl -L -o) and put it at ")
                        .append(target.toAbsolutePath());
        if (expected != null) {
            message.append(" (its sha256 must be ").append(expected).append(')');
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        if (Files.exists(part)) {
            message.append("; running the command again resumes from ").append(part);
        }
        return message.append('.').toString();
    }

    private static String describe(IOException failure) {
        if (failure instanceof ConnectException) {
            return "cannot connect: "
                    + (failure.getMessage() == null
                            ? "connection refused or host unknown"
                            : failure.getMessage());
        }
        if (failure instanceof HttpTimeoutException) {
            return "timed out: " + failure.getMessage();
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    private void say(String line) {
        if (progress) {
            log.println(line);
        }
    }

    private static void pause(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download interrupted");
        }
    }

    /** A download that must not be retried or kept: too large, or declared oddly. */
    private static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** A response status that is not a success. */
    private static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpStatusException(int status, URI uri) {
            super("the server answered HTTP " + status + " for " + uri);
            this.status = status;
        }

        /** Server errors and rate limits may pass; 404 and other client errors will not. */
        boolean retryable() {
            return status >= 500 || status == 408 || status == 429;
        }
    }
}
