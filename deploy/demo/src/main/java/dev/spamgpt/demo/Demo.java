package dev.spamgpt.demo;

import dev.spamgpt.demo.james.DemoMailServer;
import dev.spamgpt.streams.broker.EmbeddedKafkaBroker;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.topology.SpamFilterTopology;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Steps 3 to 5 of {@code ./spamgpt demo}, after the data and the model: picks the sample, runs the
 * streams filter (its shipped jar, in a JVM of its own) on a single-node KRaft broker that this JVM
 * starts, sends the sample through it, then starts James with the mailet (a JVM of its own, see
 * {@link DemoMailServer}) and sends the same texts as mails. Writes {@code kafka.tsv} and {@code
 * mail.tsv} into the run folder for the launcher's table.
 *
 * <p>This driver chooses every address itself: it starts the broker, so it knows its address, and
 * it picks free loopback ports for the filter's HTTP server and for James's SMTP, IMAP and metrics,
 * and passes them as flags. Readiness is asked, not read from logs: the filter's {@code
 * /health/ready} must answer 200, and James must accept the demo user's IMAP login.
 *
 * <p>It runs on {@code spamgpt-streams.jar} plus this module's jar: the streams jar brings core,
 * Kafka's clients and test kit, picocli and javax.mail.
 */
@Command(
        name = "spamgpt-demo",
        mixinStandardHelpOptions = true,
        description =
                "Sends test messages through the streams filter and through James with the mailet.")
public final class Demo implements Callable<Integer> {

    static final String INPUT_TOPIC = "sms.inbound";
    static final String SPAM_TOPIC = "sms.spam";
    static final String HAM_TOPIC = "sms.ham";
    static final String DLQ_TOPIC = "sms.dlq";

    /** The four topics as flags: the streams filter and the Kafka client take the same ones. */
    static final List<String> TOPIC_FLAGS =
            List.of(
                    "--input-topic",
                    INPUT_TOPIC,
                    "--spam-topic",
                    SPAM_TOPIC,
                    "--ham-topic",
                    HAM_TOPIC,
                    "--dlq-topic",
                    DLQ_TOPIC);

    @Option(
            names = "--run-dir",
            required = true,
            paramLabel = "DIR",
            description = "The demo's run folder.")
    Path runDir;

    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Model bundle.")
    Path bundle;

    @Option(
            names = "--sample",
            defaultValue = "100",
            paramLabel = "N",
            description = "Messages to send.")
    int count;

    @Option(names = "--streams-jar", required = true, paramLabel = "JAR")
    Path streamsJar;

    @Option(names = "--mailet-jar", required = true, paramLabel = "JAR")
    Path mailetJar;

    @Option(names = "--mailetcontainer", required = true, paramLabel = "XML")
    Path mailetContainer;

    @Option(
            names = "--james-classpath",
            required = true,
            paramLabel = "FILE",
            description =
                    "File with the James JVM's class path"
                            + " (deploy/demo/target/james-classpath.txt).")
    Path jamesClasspath;

    @Option(
            names = "--root",
            defaultValue = "",
            paramLabel = "DIR",
            description = "Shown paths are relative to it (the repository).")
    Path root;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description =
                    "Longest wait for a process to become ready, or for the messages to come out.")
    int timeoutSeconds;

    @Option(names = "--progress", description = "Redraw the progress bars in place (a terminal).")
    boolean interactive;

    @Option(names = "--bold", description = "Bold step titles (a terminal).")
    boolean bold;

    private final List<Process> children = new ArrayList<>();
    private EmbeddedKafkaBroker broker;

    /**
     * Runs the demo's Kafka and mail steps.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        runDir = runDir.toAbsolutePath();
        // The broker in this JVM logs through slf4j-simple: into a file, not into the demo's
        // output.
        System.setProperty(
                "org.slf4j.simpleLogger.logFile", runDir.resolve("kafka-broker.log").toString());
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-stop"));
        try {
            Path samplePath = runDir.resolve("sample.jsonl");
            step("3/5 Picking " + count + " test-set messages");
            info(KafkaDemoClient.sample(runDir.resolve("data/test.csv"), count, 2026, samplePath));
            kafka(samplePath);
            mail(DemoSample.read(samplePath));
            return 0;
        } catch (DemoFailure e) {
            System.err.println("spamgpt: error: " + e.getMessage());
            return 1;
        } finally {
            stopAll();
        }
    }

    private void kafka(Path samplePath) throws Exception {
        step("4/5 Kafka: streams filter on a single-node KRaft broker");
        long t0 = System.nanoTime();
        FilterConfig topics =
                new FilterConfig(
                        INPUT_TOPIC,
                        SPAM_TOPIC,
                        HAM_TOPIC,
                        DLQ_TOPIC,
                        ValueFormat.TEXT,
                        "$.text",
                        FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                        64,
                        Duration.ofMillis(50));
        // Kafka's storage formatter prints to standard output: keep it for an error, not for the
        // user.
        PrintStream stdout = System.out;
        ByteArrayOutputStream format = new ByteArrayOutputStream();
        System.setOut(new PrintStream(format, true, StandardCharsets.UTF_8));
        try {
            broker =
                    EmbeddedKafkaBroker.start(SpamFilterTopology.maxMessageBytes(topics), Map.of());
        } catch (Exception e) {
            stdout.print(format.toString(StandardCharsets.UTF_8));
            throw new DemoFailure("the Kafka broker did not start: " + e);
        } finally {
            System.setOut(stdout);
        }
        String bootstrap = broker.bootstrapServers();
        int httpPort = freePort();
        Path log = runDir.resolve("streams-filter.log");
        deleteTree(runDir.resolve("streams-state"));
        Process filter =
                start(
                        log,
                        args(
                                List.of(
                                        java(),
                                        "-Dai.djl.offline=true",
                                        "-jar",
                                        streamsJar.toString(),
                                        "--model",
                                        bundle.toString(),
                                        "--bootstrap-servers",
                                        bootstrap,
                                        "--create-topics"),
                                TOPIC_FLAGS,
                                List.of(
                                        "--partitions",
                                        "1",
                                        "--http-host",
                                        "127.0.0.1",
                                        "--http-port",
                                        Integer.toString(httpPort),
                                        "--state-dir",
                                        runDir.resolve("streams-state").toString())));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://127.0.0.1:" + httpPort;
        awaitReady(
                filter,
                log,
                "the streams filter",
                () -> status(http, base + "/health/ready") == 200);
        info(
                String.format(
                        Locale.ROOT,
                        "Broker %s, filter ready in %.1f s (metrics: %s/metrics, log: %s)",
                        bootstrap,
                        seconds(t0),
                        base,
                        shown(log)));
        List<String> send =
                args(
                        List.of(
                                "send",
                                "--bootstrap-servers",
                                bootstrap,
                                "--sample",
                                samplePath.toString(),
                                "--out",
                                runDir.resolve("kafka.tsv").toString()),
                        TOPIC_FLAGS,
                        List.of("--timeout", Integer.toString(timeoutSeconds)));
        if (interactive) {
            send.add("--progress");
        }
        if (new CommandLine(new KafkaDemoClient()).execute(send.toArray(new String[0])) != 0) {
            throw new DemoFailure("sending through Kafka failed");
        }
        try {
            Files.writeString(
                    runDir.resolve("streams-metrics.txt"),
                    get(http, base + "/metrics"),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Only a record of the run; the results are written already.
        }
        stop(filter, Duration.ofSeconds(40));
        broker.close();
        broker = null;
        info("Streams filter stopped.");
    }

    private void mail(List<DemoSample.Message> sample) throws Exception {
        step("5/5 Mail: Apache James 3.8.1 with the SpamGPT mailet");
        Path home = runDir.resolve("james");
        deleteTree(home);
        int smtpPort = freePort();
        int imapPort = freePort();
        int metricsPort = freePort();
        String classpath =
                jar()
                        + File.pathSeparator
                        + Files.readString(jamesClasspath, StandardCharsets.UTF_8).strip();
        long t0 = System.nanoTime();
        Path out = runDir.resolve("james-demo.out");
        Process james =
                start(
                        out,
                        List.of(
                                java(),
                                "-Xmx2g",
                                "-Dai.djl.offline=true",
                                "-cp",
                                classpath,
                                DemoMailServer.class.getName(),
                                "--home",
                                home.toString(),
                                "--mailet-jar",
                                mailetJar.toString(),
                                "--mailetcontainer",
                                mailetContainer.toString(),
                                "--model",
                                bundle.toAbsolutePath().toString(),
                                "--smtp-port",
                                Integer.toString(smtpPort),
                                "--imap-port",
                                Integer.toString(imapPort),
                                "--metrics-port",
                                Integer.toString(metricsPort)));
        awaitReady(james, out, "James", () -> MailDemoClient.ready(imapPort));
        System.out.printf(
                Locale.ROOT,
                "James 3.8.1 with the SpamGPT mailet started in %.1f s (log: %s)%n",
                seconds(t0),
                home.resolve("james.log"));
        System.out.flush();
        if (!MailDemoClient.run(
                sample,
                smtpPort,
                imapPort,
                runDir.resolve("mail.tsv"),
                interactive,
                Duration.ofSeconds(timeoutSeconds))) {
            throw new DemoFailure(
                    "the mail path failed (logs: " + out + ", " + home.resolve("james.log") + ")");
        }
        // Its standard input closing is James's signal to stop.
        james.getOutputStream().close();
        stop(james, Duration.ofSeconds(60));
    }

    /** Starts a child JVM with its output in a log file; the driver holds its standard input. */
    /** The parts one after the other, in a list that may grow. */
    @SafeVarargs
    private static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    private Process start(Path log, List<String> command) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        synchronized (children) {
            children.add(p);
        }
        return p;
    }

    private void awaitReady(Process p, Path log, String what, BooleanSupplier ready)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!ready.getAsBoolean()) {
            if (!p.isAlive()) {
                tail(log, 20);
                throw new DemoFailure(
                        what + " stopped (exit " + p.exitValue() + ", log: " + log + ")");
            }
            if (System.nanoTime() > deadline) {
                tail(log, 20);
                throw new DemoFailure(
                        what
                                + " did not become ready in "
                                + timeoutSeconds
                                + " s (log: "
                                + log
                                + ")");
            }
            Thread.sleep(250);
        }
    }

    /** SIGTERM, then SIGKILL after the grace period. */
    private static void stop(Process p, Duration grace) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** On any exit, Ctrl-C included: no child process and no broker outlives the driver. */
    private synchronized void stopAll() {
        List<Process> running;
        synchronized (children) {
            running = new ArrayList<>(children);
            children.clear();
        }
        for (Process p : running) {
            try {
                OutputStream in = p.getOutputStream();
                in.close();
                stop(p, Duration.ofSeconds(15));
            } catch (IOException | InterruptedException e) {
                p.destroyForcibly();
            }
        }
        EmbeddedKafkaBroker b = broker;
        broker = null;
        if (b != null) {
            try {
                b.close();
            } catch (RuntimeException e) {
                // Stopping anyway; its data is in a temporary folder.
            }
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(request(url), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String get(HttpClient http, String url)
            throws IOException, InterruptedException {
        return http.send(request(url), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
    }

    /** A free loopback port; the child that gets it binds it a moment later. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This module's jar (or classes folder): the James JVM needs DemoMailServer from it. */
    private static String jar() throws Exception {
        return Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static void tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            all.subList(Math.max(0, all.size() - lines), all.size()).forEach(System.err::println);
        } catch (IOException e) {
            // The error message names the log.
        }
    }

    private String shown(Path p) {
        Path base = root.toString().isEmpty() ? null : root.toAbsolutePath();
        return base != null && p.startsWith(base) ? base.relativize(p).toString() : p.toString();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void step(String title) {
        PrintStream out = System.out;
        out.printf("%n%s==> %s%s%n", bold ? "\u001b[1m" : "", title, bold ? "\u001b[0m" : "");
        out.flush();
    }

    private static void info(String line) {
        System.out.println("    " + line);
        System.out.flush();
    }

    /** A failure the user can act on: printed as one line, exit code 1. */
    static final class DemoFailure extends Exception {
        private static final long serialVersionUID = 1L;

        DemoFailure(String message) {
            super(message);
        }
    }
}
