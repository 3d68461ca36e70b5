package dev.spamgpt.mailet.james;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.james.utils.TestIMAPClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what the feedback listener stored, with Jackson and a plain Kafka consumer only: this JVM
 * does not see core (James loads it from extensions-jars/), so the tests read the stored format
 * independently of the code that wrote it.
 */
final class StoredReports {

    static final Pattern TEST_ID = Pattern.compile("(?mi)^X-Test-Id: *(\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredReports() {}

    /** A stored report and its raw message. */
    static final class Stored {
        final JsonNode report;
        final String raw;

        Stored(JsonNode report, String raw) {
            this.report = report;
            this.raw = raw;
        }

        String field(String name) {
            return report.get(name).asText();
        }

        String testId() {
            Matcher m = TEST_ID.matcher(raw);
            assertThat(m.find()).as("X-Test-Id in the raw message of %s", report).isTrue();
            return m.group(1);
        }
    }

    /** Every report of a folder store, in order, with its .eml. */
    static List<Stored> folder(Path store) throws Exception {
        List<Stored> out = new ArrayList<>();
        if (!Files.isDirectory(store)) {
            return out;
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(store)) {
            segments =
                    files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                            .sorted()
                            .collect(Collectors.toList());
        }
        for (Path segment : segments) {
            for (String line : Files.readAllLines(segment, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    JsonNode report = JSON.readTree(line);
                    String raw =
                            Files.readString(
                                    store.resolve(report.get("eml").asText()),
                                    StandardCharsets.UTF_8);
                    out.add(new Stored(report, raw));
                }
            }
        }
        return out;
    }

    /** Every record of a Kafka feedback topic, with the key checked against the digest. */
    static List<Stored> topic(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Stored> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long idleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < idleUntil) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode report = JSON.readTree(record.value());
                    assertThat(record.key()).isEqualTo(report.get("digest").asText());
                    String raw =
                            new String(
                                    Base64.getDecoder().decode(report.get("raw_base64").asText()),
                                    StandardCharsets.UTF_8);
                    out.add(new Stored(report, raw));
                }
            }
        }
        return out;
    }

    static Map<String, Stored> byTestId(List<Stored> reports) {
        Map<String, Stored> out = new HashMap<>();
        for (Stored s : reports) {
            assertThat(out.put(s.testId(), s)).as("one report per message").isNull();
        }
        return out;
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("<([^@<>\\s\"]+)@spamgpt\\.test>");
    private static final Pattern SEARCH = Pattern.compile("(?m)^\\* SEARCH ((?:\\d+ ?)+)");

    /**
     * Moves the first message of {@code from} that the mailet scored (its status has a score, so
     * not a mail without text) to {@code to}, with IMAP MOVE as mail clients do.
     *
     * @return its X-Test-Id
     */
    static String moveFirstScored(TestIMAPClient imap, String from, String to) throws Exception {
        imap.select(from);
        Matcher found =
                SEARCH.matcher(
                        imap.sendCommand(
                                "SEARCH HEADER org.apache.james.spamgpt.status \"score=\""));
        assertThat(found.find()).as("a scored message in %s", from).isTrue();
        String seq = found.group(1).trim().split(" ")[0];
        // The ENVELOPE's Message-ID (<test-id@spamgpt.test>) names the mail in one line; a header
        // FETCH answers with a literal, which the IMAP client now and then misread (a reply of
        // ')' in a CI run).
        String envelope = imap.sendCommand("FETCH " + seq + " (ENVELOPE)");
        Matcher id = MESSAGE_ID.matcher(envelope);
        assertThat(id.find()).as("the Message-ID in %s", envelope).isTrue();
        String reply = imap.sendCommand("MOVE " + seq + " " + to);
        assertThat(reply).as("MOVE %s %s", seq, to).contains("OK");
        return id.group(1);
    }

    static String firstTestId(TestIMAPClient imap) throws Exception {
        Matcher m = TEST_ID.matcher(imap.readFirstMessageHeaders());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static String sha256(String text) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte b :
                MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
