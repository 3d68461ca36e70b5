package dev.spamgpt.mailet.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.james.GuiceJamesServer;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.SMTPMessageSender;

import dev.spamgpt.mailet.james.JamesHome;

/**
 * The mail half of {@code ./spamgpt demo}: starts a real James 3.8.1 (the memory app, in this
 * JVM) the way an operator would set it up, with {@code extensions-jars/spamgpt-mailet.jar} and
 * the {@code mailetcontainer.xml} of {@code deploy/james/}, sends each demo message as a mail over
 * SMTP, waits until all are delivered, reads over IMAP which folder each one is in, and stops.
 *
 * <p>Writes one tab-separated line per message (id, true label, folder, SpamGPT status header)
 * and a {@code #summary} line with the counts and the time from the first SMTP send to the last
 * delivery. James's own log goes to {@code <home>/james.log}.
 *
 * <p>This JVM's class path must not hold the mailet, core or DJL: James has to load them from
 * {@code extensions-jars/} through its own class loader, as in production. The build writes such
 * a class path to {@code mailet/target/demo-classpath.txt}.
 *
 * <pre>
 * java -cp "mailet/target/test-classes:$(cat mailet/target/demo-classpath.txt)" \
 *     dev.spamgpt.mailet.demo.DemoMailServer --home runs/demo/james --mailet-jar mailet/target/spamgpt-mailet.jar \
 *     --mailetcontainer deploy/james/mailetcontainer.xml --model runs/demo/bundle \
 *     --sample runs/demo/sample.jsonl --out runs/demo/mail.tsv
 * </pre>
 */
public final class DemoMailServer {

    static final String DOMAIN = "spamgpt.demo";
    static final String USER = "demo@" + DOMAIN;
    static final String PASSWORD = "demo";
    static final String SENDER = "sms-gateway@example.net";
    static final String STATUS_HEADER = "org.apache.james.spamgpt.status";

    private DemoMailServer() {
    }

    /**
     * Runs the mail path of the demo.
     *
     * @param args see the class comment
     * @throws Exception on any failure (the exit code is then 1)
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        Path home = Paths.get(require(opts, "--home")).toAbsolutePath();
        Files.createDirectories(home);
        // Before any James class logs: its log goes to a file, not into the demo's table.
        System.setProperty("spamgpt.demo.log", home.resolve("james.log").toString());
        URL logback = DemoMailServer.class.getResource("logback-demo.xml");
        if (logback != null) {
            System.setProperty("logback.configurationFile", logback.toString());
        }
        boolean interactive = opts.containsKey("--progress");
        int timeoutSeconds = Integer.parseInt(opts.getOrDefault("--timeout", "300"));
        List<String[]> sample = readSample(Paths.get(require(opts, "--sample")));

        prepareHome(home, Paths.get(require(opts, "--mailet-jar")), Paths.get(require(opts, "--mailetcontainer")),
                Paths.get(require(opts, "--model")).toAbsolutePath());
        PrintStream err = System.err;
        long t0 = System.nanoTime();
        GuiceJamesServer server = JamesHome.start(home);
        try {
            err.printf(Locale.ROOT, "James 3.8.1 with the SpamGPT mailet started in %.1f s (log: %s)%n",
                    (System.nanoTime() - t0) / 1e9, home.resolve("james.log"));
            server.getProbe(DataProbeImpl.class).addDomain(DOMAIN);
            server.getProbe(DataProbeImpl.class).addUser(USER, PASSWORD);
            int imapPort = server.getProbe(ImapGuiceProbe.class).getImapPort();

            long started = System.nanoTime();
            Bar sending = new Bar("mail: sent (SMTP)", sample.size(), interactive, err, started);
            try (SMTPMessageSender smtp = new SMTPMessageSender("demo.example.net")) {
                smtp.connect("127.0.0.1", server.getProbe(SmtpGuiceProbe.class).getSmtpPort());
                int sent = 0;
                for (String[] m : sample) {
                    smtp.sendMessageWithHeaders(SENDER, List.of(USER), rawMail(m[0], m[2]));
                    sending.show(++sent);
                }
                sending.done(sent);
            }
            Map<String, String[]> delivered = new HashMap<>();
            Bar bar = new Bar("mail: delivered", sample.size(), interactive, err, started);
            long deadline = started + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                delivered = readFolders(imapPort);
                bar.show(delivered.size());
                if (delivered.size() >= sample.size()) {
                    break;
                }
                Thread.sleep(200);
            }
            long finished = System.nanoTime();
            bar.done(delivered.size());
            writeResults(Paths.get(require(opts, "--out")), sample, delivered, (finished - started) / 1e9);
            if (delivered.size() < sample.size()) {
                err.printf(Locale.ROOT, "mail: only %d of %d mails were delivered within %d s%n", delivered.size(),
                        sample.size(), timeoutSeconds);
                System.exit(1);
            }
        } finally {
            server.stop();
        }
        System.exit(0);
    }

    /** James's root: conf/ and extensions-jars/, as in the apache/james image under /root. */
    static void prepareHome(Path home, Path mailetJar, Path mailetContainer, Path model) throws IOException {
        if (!Files.isRegularFile(mailetJar)) {
            throw new IllegalStateException(mailetJar + " is missing: build it with ./mvnw -B -DskipTests package");
        }
        JamesHome.layOut(home, demoMailetContainer(Files.readString(mailetContainer, StandardCharsets.UTF_8), model,
                freePort()), mailetJar);
    }

    /**
     * The deployed {@code mailetcontainer.xml} with the three values a local run must change:
     * the bundle path, and the metrics endpoint on loopback and a free port.
     */
    static String demoMailetContainer(String xml, Path model, int metricsPort) {
        return replaceOnce(replaceOnce(replaceOnce(xml,
                "<model>/models/bundle</model>", "<model>" + model + "</model>"),
                "<metricsHost>0.0.0.0</metricsHost>", "<metricsHost>127.0.0.1</metricsHost>"),
                "<metricsPort>9095</metricsPort>", "<metricsPort>" + metricsPort + "</metricsPort>");
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new IllegalStateException("expected exactly one " + from + " in the mailetcontainer.xml");
        }
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    static String rawMail(String id, String text) throws MessagingException, IOException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(SENDER));
        message.setRecipients(Message.RecipientType.TO, USER);
        message.setHeader("X-Demo-Id", id);
        message.setText(text, "UTF-8");
        message.saveChanges();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    /** id -> {folder, status header} of every demo mail in INBOX and Spam. */
    static Map<String, String[]> readFolders(int imapPort) throws MessagingException {
        Map<String, String[]> found = new HashMap<>();
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "5000");
        props.put("mail.imap.timeout", "10000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", imapPort, USER, PASSWORD);
        try {
            for (String name : new String[] {"INBOX", "Spam"}) {
                Folder folder = store.getFolder(name);
                if (!folder.exists()) {
                    continue;
                }
                folder.open(Folder.READ_ONLY);
                try {
                    for (Message m : folder.getMessages()) {
                        String[] id = m.getHeader("X-Demo-Id");
                        String[] status = m.getHeader(STATUS_HEADER);
                        if (id != null) {
                            found.put(id[0], new String[] {name, status == null ? "" : status[0]});
                        }
                    }
                } finally {
                    folder.close(false);
                }
            }
        } finally {
            store.close();
        }
        return found;
    }

    static void writeResults(Path out, List<String[]> sample, Map<String, String[]> delivered, double seconds)
            throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            for (String[] m : sample) {
                String[] where = delivered.getOrDefault(m[0], new String[] {"(missing)", ""});
                w.printf(Locale.ROOT, "%s\t%s\t%s\t%s%n", m[0], m[1], where[0], where[1]);
            }
            w.printf(Locale.ROOT, "#summary\tmail\t%d\t%d\t%.3f%n", sample.size(), delivered.size(), seconds);
        }
    }

    /** {id, label, text} of each line of the sample written by KafkaDemoClient sample. */
    static List<String[]> readSample(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String[]> sample = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode node = json.readTree(line);
                sample.add(new String[] {node.get("id").asText(), node.get("label").asText(), node.get("text").asText()});
            }
        }
        return sample;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (args[i].equals("--progress")) {
                opts.put(args[i], "true");
            } else if (i + 1 < args.length) {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A minimal progress line; core's ProgressBar is not on this class path on purpose. */
    private static final class Bar {
        private final String label;
        private final int total;
        private final boolean interactive;
        private final PrintStream out;
        private final long start;
        private long lastPlain = System.nanoTime();
        private int last = -1;

        /** The rate counts from {@code start}: the first SMTP send. */
        Bar(String label, int total, boolean interactive, PrintStream out, long start) {
            this.label = label;
            this.start = start;
            this.total = total;
            this.interactive = interactive;
            this.out = out;
        }

        void show(int count) {
            long now = System.nanoTime();
            if (interactive && count != last) {
                out.print("\r" + line(count));
                out.flush();
            } else if (!interactive && now - lastPlain > 5_000_000_000L) {
                out.println(line(count));
                lastPlain = now;
            }
            last = count;
        }

        void done(int count) {
            out.print(interactive ? "\r" + line(count) + "\n" : line(count) + "\n");
            out.flush();
        }

        private String line(int count) {
            int width = 24;
            int filled = total == 0 ? width : (int) ((long) width * Math.min(count, total) / total);
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "%s [%s%s] %d/%d %3d%% %.1f/s", label, "=".repeat(filled),
                    " ".repeat(width - filled), count, total, total == 0 ? 100 : 100 * count / total,
                    seconds > 0 ? count / seconds : 0.0);
        }
    }
}
