package dev.spamgpt.demo.james;

import dev.spamgpt.mailet.james.JamesHome;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.DataProbeImpl;

/**
 * The James of {@code ./spamgpt demo}: starts a real James 3.8.1 (the memory app, in this JVM) the
 * way an operator would set it up, with {@code extensions-jars/spamgpt-mailet.jar} and the {@code
 * mailetcontainer.xml} of {@code deploy/james/}, SMTP and IMAP on the loopback ports the driver
 * chose, and the demo's user. It runs until its standard input closes (the driver is done, or gone)
 * or it is stopped; the driver sends the mails and reads the folders. James's own log goes to
 * {@code <home>/james.log}.
 *
 * <p>This JVM's class path must not hold the mailet, core or DJL: James has to load them from
 * {@code extensions-jars/} through its own class loader, as in production. The build writes such a
 * class path to {@code deploy/demo/target/james-classpath.txt}.
 *
 * <pre>
 * java -cp "deploy/demo/target/spamgpt-demo.jar:$(cat deploy/demo/target/james-classpath.txt)" \
 *     dev.spamgpt.demo.james.DemoMailServer --home runs/demo/james \
 *     --mailet-jar mailet/target/spamgpt-mailet.jar \
 *     --mailetcontainer deploy/james/mailetcontainer.xml --model runs/demo/model/bundle \
 *     --smtp-port 2525 --imap-port 1143 --metrics-port 9095
 * </pre>
 */
public final class DemoMailServer {

    /** The demo's mail domain. */
    public static final String DOMAIN = "spamgpt.demo";

    /** The one mailbox every demo mail goes to. */
    public static final String USER = "demo@" + DOMAIN;

    /** Its password. */
    public static final String PASSWORD = "demo";

    private static final String ANY_PORT = "<bind>127.0.0.1:0</bind>";

    private DemoMailServer() {}

    /**
     * Runs James until standard input closes.
     *
     * @param args see the class comment
     * @throws Exception on any failure (the exit code is then 1)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path home = Paths.get(require(opts, "--home")).toAbsolutePath();
        Files.createDirectories(home);
        // Before any James class logs: its log goes to a file, not into the demo's output.
        System.setProperty("spamgpt.demo.log", home.resolve("james.log").toString());
        URL logback = DemoMailServer.class.getResource("logback-demo.xml");
        if (logback != null) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
        prepareHome(
                home,
                Paths.get(require(opts, "--mailet-jar")),
                Paths.get(require(opts, "--mailetcontainer")),
                Paths.get(require(opts, "--model")).toAbsolutePath(),
                port(opts, "--smtp-port"),
                port(opts, "--imap-port"),
                port(opts, "--metrics-port"));
        GuiceJamesServer server = JamesHome.start(home);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "demo-james-stop"));
        server.getProbe(DataProbeImpl.class).addDomain(DOMAIN);
        server.getProbe(DataProbeImpl.class).addUser(USER, PASSWORD);
        // The driver keeps this pipe open while it needs James.
        while (System.in.read() >= 0) {
            // Nothing is sent: only the end counts.
        }
        System.exit(0);
    }

    /** James's root: conf/ and extensions-jars/, as in the apache/james image under /root. */
    static void prepareHome(
            Path home,
            Path mailetJar,
            Path mailetContainer,
            Path model,
            int smtpPort,
            int imapPort,
            int metricsPort)
            throws IOException {
        if (!Files.isRegularFile(mailetJar)) {
            throw new IllegalStateException(
                    mailetJar + " is missing: build it with ./mvnw -B -DskipTests package");
        }
        JamesHome.layOut(
                home,
                demoMailetContainer(
                        Files.readString(mailetContainer, StandardCharsets.UTF_8),
                        model,
                        metricsPort),
                mailetJar);
        bindTo(home.resolve("conf/smtpserver.xml"), smtpPort);
        bindTo(home.resolve("conf/imapserver.xml"), imapPort);
    }

    /**
     * The deployed {@code mailetcontainer.xml} with the three values a local run must change: the
     * bundle path, and the metrics endpoint on loopback and a free port.
     */
    static String demoMailetContainer(String xml, Path model, int metricsPort) {
        return replaceOnce(
                replaceOnce(
                        replaceOnce(
                                xml,
                                "<model>/models/bundle</model>",
                                "<model>" + model + "</model>"),
                        "<metricsHost>0.0.0.0</metricsHost>",
                        "<metricsHost>127.0.0.1</metricsHost>"),
                "<metricsPort>9095</metricsPort>",
                "<metricsPort>" + metricsPort + "</metricsPort>");
    }

    /** A server configuration of JamesHome (loopback, any port) bound to the given port instead. */
    static String withPort(String xml, int port) {
        return replaceOnce(xml, ANY_PORT, "<bind>127.0.0.1:" + port + "</bind>");
    }

    private static void bindTo(Path serverXml, int port) throws IOException {
        Files.writeString(
                serverXml,
                withPort(Files.readString(serverXml, StandardCharsets.UTF_8), port),
                StandardCharsets.UTF_8);
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException(
                    "expected exactly one " + from + " in the configuration");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (i + 1 < args.length) {
                opts.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
        }
        return opts;
    }

    private static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }

    private static int port(Map<String, String> opts, String name) {
        int port = Integer.parseInt(require(opts, name));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be a port number, got " + port);
        }
        return port;
    }
}
