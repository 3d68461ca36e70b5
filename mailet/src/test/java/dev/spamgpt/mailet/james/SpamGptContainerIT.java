package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.james.util.Port;
import org.apache.james.utils.SMTPMessageSender;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The official {@code apache/james:memory-3.8.1} image with the jar in {@code
 * /root/extensions-jars} and the bundle in {@code /root/conf/spamgpt-bundle}, exactly as the README
 * tells an operator. Same mails and checks as {@link SpamGptJamesIT}. Skipped where Docker is not
 * available.
 */
@Testcontainers(disabledWithoutDocker = true)
class SpamGptContainerIT {

    static final String IMAGE = "apache/james:memory-3.8.1";
    static final String ALICE = "alice@" + DOMAIN;
    static final int SMTP = 25;
    static final int IMAP = 143;
    static final int WEBADMIN = 8000;
    static final int METRICS = 9090;

    @TempDir static Path tmp;

    @AutoClose("stop")
    static GenericContainer<?> james;

    static List<String> mails;
    static float[] scores;
    static float threshold;

    @BeforeAll
    static void startJames() throws Exception {
        mails = TestMails.endToEnd(ALICE);
        Path bundle = tmp.resolve("bundle");
        scores =
                Verdicts.score(
                        bundle, 20261127L, mails, Files.createDirectories(tmp.resolve("verdicts")));
        threshold = Verdicts.splitThreshold(scores);
        String mailet =
                "            <mailet match=\"All\""
                        + " class=\"dev.spamgpt.mailet.SpamGptClassifier\">\n"
                        + "                <model>/root/conf/spamgpt-bundle</model>\n"
                        + "                <threshold>"
                        + threshold
                        + "</threshold>\n"
                        + "                <metricsHost>0.0.0.0</metricsHost>\n"
                        + "                <metricsPort>"
                        + METRICS
                        + "</metricsPort>\n"
                        + "            </mailet>";
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        String container;
        try (InputStream in =
                SpamGptContainerIT.class.getResourceAsStream(
                        "/james-conf/mailetcontainer.xml.template")) {
            container =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replace("@SPAMGPT_MAILET@", mailet);
        }
        Files.write(
                conf.resolve("mailetcontainer.xml"), container.getBytes(StandardCharsets.UTF_8));
        Files.write(
                conf.resolve("webadmin.properties"),
                "enabled=true\nport=8000\nhost=0.0.0.0\n".getBytes(StandardCharsets.UTF_8));

        james =
                new GenericContainer<>(DockerImageName.parse(IMAGE))
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(JamesHome.mailetJar()),
                                "/root/extensions-jars/spamgpt-mailet.jar")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(bundle), "/root/conf/spamgpt-bundle")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(conf.resolve("mailetcontainer.xml")),
                                "/root/conf/mailetcontainer.xml")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(conf.resolve("webadmin.properties")),
                                "/root/conf/webadmin.properties")
                        .withEnv(
                                "JAVA_TOOL_OPTIONS",
                                "-Dai.djl.pytorch.num_threads=1 -Dai.djl.offline=true")
                        .withExposedPorts(SMTP, IMAP, WEBADMIN, METRICS)
                        .waitingFor(Wait.forLogMessage(".*JAMES server started.*", 1))
                        .withStartupTimeout(Duration.ofMinutes(5));
        james.start();

        HttpClient http = HttpClient.newHttpClient();
        put(http, "/domains/" + DOMAIN, "");
        put(http, "/users/" + ALICE, "{\"password\":\"" + PASSWORD + "\"}");
    }

    @Test
    void theOfficialImageShouldRouteSpamWithTheMailetFromExtensionsJars() throws Exception {
        String host = james.getHost();
        int imapPort = james.getMappedPort(IMAP);
        try (SMTPMessageSender smtp = new SMTPMessageSender("client.example.net")) {
            smtp.connect(host, Port.of(james.getMappedPort(SMTP)));
            for (String mail : mails) {
                smtp.sendMessageWithHeaders(TestMails.SENDER, List.of(ALICE), mail);
            }
        }
        Awaitility.await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> ImapFolders.count(host, imapPort, ALICE) == mails.size());

        int spam = Routing.check(host, imapPort, List.of(ALICE), mails, scores, threshold, false);

        assertThat(spam).isPositive().isLessThan(mails.size() - 1);
        String metrics =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://"
                                                                + host
                                                                + ":"
                                                                + james.getMappedPort(METRICS)
                                                                + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        assertThat(Routing.mailsCounted(metrics, "spam")).isEqualTo(spam);
        System.out.printf(
                Locale.ROOT,
                "[SpamGptContainerIT] %s: %d mails, %d in Spam%n",
                IMAGE,
                mails.size(),
                spam);
    }

    private static void put(HttpClient http, String path, String body) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://"
                                                        + james.getHost()
                                                        + ":"
                                                        + james.getMappedPort(WEBADMIN)
                                                        + path))
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("PUT %s: %s", path, response.body())
                .isBetween(200, 299);
    }
}
