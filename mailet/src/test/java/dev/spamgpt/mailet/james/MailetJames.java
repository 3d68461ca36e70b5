package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.james.GuiceJamesServer;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.protocols.ImapGuiceProbe;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.james.utils.SMTPMessageSender;
import org.awaitility.Awaitility;

/**
 * A started memory James whose mailet container runs the packaged {@code SpamGptClassifier} with
 * the given parameters, and the few things the integration tests do to it: send over SMTP, wait for
 * IMAP delivery, scrape the mailet's metrics, count mails in a repository.
 */
final class MailetJames implements AutoCloseable {

    private final GuiceJamesServer server;
    private final int metricsPort;

    private MailetJames(GuiceJamesServer server, int metricsPort) {
        this.server = server;
        this.metricsPort = metricsPort;
    }

    /**
     * Lays out a James root under {@code root}, starts it and adds the users of {@link
     * JamesHome#DOMAIN}.
     *
     * @param root an empty folder for the James root
     * @param bundle the model bundle the mailet loads
     * @param parameters further mailet parameters, in order ({@code model} and {@code metricsPort}
     *     are set here)
     * @param users the mail addresses to create, each with {@link JamesHome#PASSWORD}
     * @return the running James; close it when done
     * @throws Exception if James does not start
     */
    static MailetJames start(
            Path root, Path bundle, Map<String, String> parameters, List<String> users)
            throws Exception {
        return start(root, bundle, parameters, users, null);
    }

    /**
     * As {@link #start(Path, Path, Map, List)}, with a {@code conf/listeners.xml} of the test's.
     *
     * @param listenersXml the whole {@code listeners.xml}, or null for James's empty one
     */
    static MailetJames start(
            Path root,
            Path bundle,
            Map<String, String> parameters,
            List<String> users,
            String listenersXml)
            throws Exception {
        int metricsPort = freePort();
        Map<String, String> all = new LinkedHashMap<>();
        all.put("model", bundle.toString());
        all.putAll(parameters);
        all.put("metricsPort", Integer.toString(metricsPort));
        StringBuilder mailet =
                new StringBuilder(
                        "            <mailet match=\"All\""
                                + " class=\"dev.spamgpt.mailet.SpamGptClassifier\">\n");
        all.forEach(
                (name, value) ->
                        mailet.append("                <")
                                .append(name)
                                .append('>')
                                .append(value)
                                .append("</")
                                .append(name)
                                .append(">\n"));
        mailet.append("            </mailet>");
        Path home = JamesHome.prepare(root, mailet.toString());
        if (listenersXml != null) {
            Files.writeString(home.resolve("conf/listeners.xml"), listenersXml);
        }
        GuiceJamesServer server = JamesHome.start(home);
        MailetJames james = new MailetJames(server, metricsPort);
        try {
            server.getProbe(DataProbeImpl.class).addDomain(DOMAIN);
            for (String user : users) {
                server.getProbe(DataProbeImpl.class).addUser(user, PASSWORD);
            }
            return james;
        } catch (Exception | Error e) {
            james.close();
            throw e;
        }
    }

    int imapPort() {
        return server.getProbe(ImapGuiceProbe.class).getImapPort();
    }

    int metricsPort() {
        return metricsPort;
    }

    /** Sends every mail to every recipient over one SMTP connection. */
    void send(List<String> recipients, List<String> mails) throws Exception {
        send(recipients, mails, 1);
    }

    /**
     * Sends the mails over {@code clients} concurrent SMTP connections, mail i on connection i mod
     * clients.
     */
    void send(List<String> recipients, List<String> mails, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(
                        pool.submit(
                                () -> {
                                    try (SMTPMessageSender smtp =
                                            new SMTPMessageSender(
                                                    "client" + client + ".example.net")) {
                                        smtp.connect(
                                                "127.0.0.1",
                                                server.getProbe(SmtpGuiceProbe.class)
                                                        .getSmtpPort());
                                        for (int i = client; i < mails.size(); i += clients) {
                                            smtp.sendMessageWithHeaders(
                                                    TestMails.SENDER, recipients, mails.get(i));
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until every user has at least {@code expected} mails over IMAP, all folders counted.
     */
    void awaitDelivered(List<String> users, int expected, Duration atMost) {
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            for (String user : users) {
                                if (ImapFolders.count(imapPort(), user) < expected) {
                                    return false;
                                }
                            }
                            return true;
                        });
    }

    /** The mailet's Prometheus text. */
    String scrapeMetrics() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** How many mails a repository such as {@code memory://var/mail/error/} holds. */
    long repositoryCount(String repository) throws Exception {
        return server.getProbe(MailRepositoryProbeImpl.class)
                .getRepositoryMailCount(MailRepositoryUrl.from(repository));
    }

    @Override
    public void close() {
        server.stop();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
