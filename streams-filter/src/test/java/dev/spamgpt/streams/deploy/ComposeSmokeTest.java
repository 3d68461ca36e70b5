package dev.spamgpt.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.testing.TinyBundles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The deployment smoke test: builds the images of {@code deploy/} and starts {@code
 * deploy/docker-compose.yml} (Kafka, the streams filter, James with the mailet, Prometheus) on a
 * small random-weight bundle, then checks both paths end to end. A record produced to {@code
 * mail.inbound} comes out on {@code mail.spam} or {@code mail.ham}, the one the classifier's own
 * verdict for its text names, and a mail sent over SMTP lands in the IMAP folder (Spam or INBOX)
 * that its verdict names.
 *
 * <p>Needs Docker with the compose plugin and the jars the images copy: run {@code ./mvnw -B
 * -DskipTests package}, then {@code ./mvnw -B -pl streams-filter test -Dtest=ComposeSmokeTest}.
 * Without Docker, JUnit reports the class as disabled ("Docker is not available"); without the
 * jars, it is skipped and says which jar is missing. It uses the compose file's fixed host ports
 * (9094, 8080, 2525, 1143, 9095, 9090).
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeSmokeTest {

    static final String DOMAIN = "spamgpt.test";
    static final String USER = "alice@" + DOMAIN;
    static final String PASSWORD = "secret";
    static final String TEXT =
            "URGENT! You have won a 1 week FREE membership in our 1000 Prize Jackpot!"
                    + " Txt the word: CLAIM to No: 81010";

    /** The repository: surefire runs the tests in the module's folder. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir static Path tmp;

    static ComposeContainer compose;
    static boolean expectSpam;

    @BeforeAll
    static void up() throws Exception {
        for (String jar :
                List.of(
                        "streams-filter/target/spamgpt-streams.jar",
                        "mailet/target/spamgpt-mailet.jar")) {
            assumeTrue(
                    Files.isRegularFile(ROOT.resolve(jar)),
                    () ->
                            ROOT.resolve(jar)
                                    + " is missing: run ./mvnw -B -DskipTests package before this"
                                    + " test");
        }
        Path bundle =
                TinyBundles.randomBundle(Files.createDirectories(tmp.resolve("bundle")), 20261126L);
        try (SpamClassifier classifier = SpamClassifier.open(bundle)) {
            expectSpam = classifier.spamProbabilities(List.of(TEXT))[0] >= classifier.threshold();
        }
        compose =
                new ComposeContainer(ROOT.resolve("deploy/docker-compose.yml").toFile())
                        .withLocalCompose(true)
                        .withBuild(true)
                        .withEnv("SPAMGPT_BUNDLE", bundle.toString())
                        .withEnv("SPAMGPT_TAG", "smoke-test")
                        .withServices("kafka", "streams-filter", "james", "prometheus");
        compose.start();
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await("streams filter ready")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> get(http, "http://localhost:8080/health/ready").statusCode() == 200);
        Awaitility.await("James SMTP")
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .until(() -> smtpBanner().startsWith("220"));
        ContainerState james = service("james");
        assertThat(james.execInContainer("james-cli", "AddDomain", DOMAIN).getExitCode()).isZero();
        assertThat(james.execInContainer("james-cli", "AddUser", USER, PASSWORD).getExitCode())
                .isZero();
    }

    @AfterAll
    static void down() {
        if (compose != null) {
            compose.stop();
        }
    }

    @Test
    void aRecordShouldComeOutOnTheTopicOfItsVerdict() throws Exception {
        String expected = expectSpam ? "mail.spam" : "mail.ham";
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps());
                KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of("mail.spam", "mail.ham", "mail.dlq")) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            producer.send(new ProducerRecord<>("mail.inbound", "smoke-1", TEXT)).get();
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
                                return seen.stream().anyMatch(r -> "smoke-1".equals(r.key()));
                            });
            ConsumerRecord<String, String> out =
                    seen.stream().filter(r -> "smoke-1".equals(r.key())).findFirst().orElseThrow();
            assertThat(out.topic()).isEqualTo(expected);
            assertThat(out.value()).isEqualTo(TEXT);
        }
        assertThat(get(HttpClient.newHttpClient(), "http://localhost:8080/metrics").body())
                .contains("spamgpt_records_classified_total");
    }

    @Test
    void aMailShouldLandInTheFolderOfItsVerdict() throws Exception {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "localhost");
        smtp.put("mail.smtp.port", "2525");
        MimeMessage mail = new MimeMessage(Session.getInstance(smtp));
        mail.setFrom(new InternetAddress("sender@example.net"));
        mail.setRecipients(Message.RecipientType.TO, USER);
        mail.setHeader("X-Smoke-Id", "smoke-mail-1");
        mail.setText(TEXT, "UTF-8");
        Transport.send(mail, mail.getAllRecipients());

        String[] found = new String[2];
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> find(found));
        assertThat(found[0]).isEqualTo(expectSpam ? "Spam" : "INBOX");
        assertThat(found[1]).startsWith(expectSpam ? "Yes, score=" : "No, score=");
        assertThat(get(HttpClient.newHttpClient(), "http://localhost:9095/metrics").body())
                .contains("spamgpt_mails_total");
    }

    private static boolean find(String[] found) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("localhost", 1143, USER, PASSWORD);
        try {
            for (String name : List.of("INBOX", "Spam")) {
                Folder folder = store.getFolder(name);
                if (!folder.exists()) {
                    continue;
                }
                folder.open(Folder.READ_ONLY);
                try {
                    for (Message m : folder.getMessages()) {
                        String[] id = m.getHeader("X-Smoke-Id");
                        if (id != null && id[0].equals("smoke-mail-1")) {
                            found[0] = name;
                            String[] status = m.getHeader("org.apache.james.spamgpt.status");
                            found[1] = status == null ? "" : status[0];
                            return true;
                        }
                    }
                } finally {
                    folder.close(false);
                }
            }
            return false;
        } finally {
            store.close();
        }
    }

    private static ContainerState service(String name) {
        // Compose v2 names the first container of a service "<service>-1".
        Optional<ContainerState> state = compose.getContainerByServiceName(name);
        return state.or(() -> compose.getContainerByServiceName(name + "-1"))
                .orElseThrow(() -> new AssertionError("no container for service " + name));
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String smtpBanner() throws Exception {
        try (Socket socket = new Socket("localhost", 2525)) {
            socket.setSoTimeout(5000);
            return new BufferedReader(
                            new InputStreamReader(
                                    socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    private static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9094");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return p;
    }

    private static Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9094");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return p;
    }
}
