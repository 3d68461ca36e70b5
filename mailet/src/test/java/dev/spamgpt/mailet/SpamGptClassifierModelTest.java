package dev.spamgpt.mailet;

import static dev.spamgpt.mailet.Mails.RECIPIENT1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.core.text.MessageText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.mail.MessagingException;
import org.apache.mailet.AttributeName;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mailet on the real SpamGPT classifier, with a small random-weight bundle. */
class SpamGptClassifierModelTest {

    private static final List<String> BODIES =
            List.of(
                    "WINNER!! You have been selected to receive a 900 prize reward. Call"
                            + " 09061701461 now",
                    "Ok lar... Joking wif u oni...",
                    "I'll be home late tonight, save me some dinner",
                    "URGENT! Your mobile number has won 2000 pounds. To claim call 09050000301",
                    "Free entry in 2 a wkly comp to win FA Cup final tkts",
                    "Are we still on for the meeting at three?");

    @TempDir static Path tmp;

    static Path bundle;
    static SpamClassifier reference;

    @BeforeAll
    static void writeBundle() {
        bundle = TinyBundles.randomBundle(tmp.resolve("bundle"), 11);
        reference = SpamClassifier.open(bundle);
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    private static FakeMailetConfig.Builder config() {
        return FakeMailetConfig.builder()
                .mailetName("SpamGptClassifier")
                .setProperty("model", bundle.toString());
    }

    private static float expectedScore(FakeMail mail) throws MessagingException {
        String text =
                MessageText.fromMessage(mail.getMessage(), MessageText.Limits.defaults()).text();
        return reference.spamProbability(text);
    }

    @Test
    void serviceShouldMarkEachMailWithTheClassifiersOwnScore() throws Exception {
        List<FakeMail> mails = new ArrayList<>();
        float[] expected = new float[BODIES.size()];
        for (int i = 0; i < BODIES.size(); i++) {
            mails.add(Mails.plain("Message " + i, BODIES.get(i)));
            expected[i] = expectedScore(mails.get(i));
        }
        float[] sorted = expected.clone();
        Arrays.sort(sorted);
        // Half the mails on each side, whatever the random weights give.
        float threshold = (sorted[2] + sorted[3]) / 2;
        assertThat(sorted[3] - sorted[2])
                .as("scores must differ to split them")
                .isGreaterThan(1e-6f);
        SpamGptClassifier mailet = new SpamGptClassifier();
        mailet.init(config().setProperty("threshold", Float.toString(threshold)).build());
        try {
            for (FakeMail mail : mails) {
                mailet.service(mail);
            }
        } finally {
            mailet.destroy();
        }

        int spam = 0;
        for (int i = 0; i < mails.size(); i++) {
            double score =
                    (Double)
                            mails.get(i)
                                    .getAttribute(
                                            AttributeName.of(SpamGptClassifier.SCORE_ATTRIBUTE))
                                    .orElseThrow()
                                    .getValue()
                                    .value();
            assertThat(score).isCloseTo(expected[i], within(1e-5));
            boolean isSpam = expected[i] >= threshold;
            spam += isSpam ? 1 : 0;
            assertThat(
                            mails.get(i)
                                    .getPerRecipientSpecificHeaders()
                                    .getHeadersForRecipient(
                                            new org.apache.james.core.MailAddress(RECIPIENT1)))
                    .anySatisfy(
                            h ->
                                    assertThat(h.getValue())
                                            .startsWith(isSpam ? "Yes, score=" : "No, score="));
        }
        assertThat(spam).isEqualTo(3);
        String modelId = reference.modelId();
        assertThat(
                        mails.get(0)
                                .getPerRecipientSpecificHeaders()
                                .getHeadersForRecipient(
                                        new org.apache.james.core.MailAddress(RECIPIENT1)))
                .anySatisfy(
                        h -> {
                            assertThat(h.getName()).isEqualTo(SpamGptClassifier.MODEL_HEADER);
                            assertThat(h.getValue()).isEqualTo(modelId);
                        });
    }

    @Test
    void aBundleTrainedOnSmsShouldBeFlaggedAsADemoInTheMetrics() throws Exception {
        Path sms = TinyBundles.randomBundle(tmp.resolve("sms-bundle"), 12);
        Path manifest = sms.resolve("manifest.json");
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode)
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(manifest.toFile());
        json.put("data_domain", "sms");
        json.put("id", "sms-demo");
        Files.writeString(manifest, json.toString());

        for (Path b : List.of(sms, bundle)) {
            SpamGptClassifier mailet = new SpamGptClassifier();
            mailet.init(
                    FakeMailetConfig.builder()
                            .mailetName("Domain" + b.getFileName())
                            .setProperty("model", b.toString())
                            .build());
            mailet.destroy();
        }
        io.micrometer.core.instrument.Gauge smsGauge =
                MetricsEndpoint.registry()
                        .find("spamgpt.model.sms.domain")
                        .tag("instance", "Domainsms-bundle")
                        .gauge();
        io.micrometer.core.instrument.Gauge otherGauge =
                MetricsEndpoint.registry()
                        .find("spamgpt.model.sms.domain")
                        .tag("instance", "Domainbundle")
                        .gauge();
        assertThat(smsGauge).isNotNull();
        assertThat(smsGauge.value()).isEqualTo(1.0);
        assertThat(smsGauge.getId().getTag("domain")).isEqualTo("sms");
        assertThat(otherGauge).isNotNull();
        assertThat(otherGauge.value()).isEqualTo(0.0);
        assertThat(otherGauge.getId().getTag("domain")).isEqualTo("unknown");
    }

    @Test
    void initShouldLoadTheModelOnceForAllMails() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        SpamGptClassifier mailet =
                new SpamGptClassifier(
                        (path, options) -> {
                            loads.incrementAndGet();
                            return ScorerFactory.CLASSIFIER.open(path, options);
                        });
        mailet.init(config().build());
        try {
            for (String body : BODIES) {
                mailet.service(Mails.plain("Hello", body));
            }
        } finally {
            mailet.destroy();
        }

        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void initShouldFailWithAClearMessageWhenTheBundleIsCorrupt() throws Exception {
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        try (Stream<Path> files = Files.list(bundle)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, broken.resolve(f.getFileName()));
            }
        }
        try (FileChannel ch =
                FileChannel.open(broken.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        SpamGptClassifier mailet = new SpamGptClassifier();

        assertThatThrownBy(
                        () ->
                                mailet.init(
                                        FakeMailetConfig.builder()
                                                .mailetName("SpamGptClassifier")
                                                .setProperty("model", broken.toString())
                                                .build()))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("could not load the model bundle")
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void serviceShouldCountMailsAndLatencyOnTheMetricsEndpoint() throws Exception {
        SpamGptClassifier mailet = new SpamGptClassifier();
        // The registry is shared by every instance in the class loader: a name of its own.
        mailet.init(
                FakeMailetConfig.builder()
                        .mailetName("metrics-test")
                        .setProperty("model", bundle.toString())
                        .setProperty("metricsPort", "0")
                        .setProperty("threshold", "0")
                        .build());
        String metrics;
        try {
            for (String body : BODIES) {
                mailet.service(Mails.plain("Hello", body));
            }
            metrics = scrape(mailet.metricsPort());
        } finally {
            mailet.destroy();
        }

        assertThat(metrics)
                .containsPattern(
                        "spamgpt_mails_total\\{instance=\"metrics-test\",[^}]*verdict=\"spam\"}"
                                + " 6(\\.0)?\\n")
                .containsPattern(
                        "spamgpt_mails_total\\{instance=\"metrics-test\",[^}]*verdict=\"ham\"}"
                                + " 0(\\.0)?\\n")
                .containsPattern(
                        "spamgpt_scoring_seconds_count\\{instance=\"metrics-test\",[^}]*}"
                                + " 6(\\.0)?\\n")
                .containsPattern(
                        "spamgpt_scoring_seconds_bucket\\{instance=\"metrics-test\","
                                + "[^}]*le=\"\\+Inf\"}"
                                + " 6(\\.0)?\\n")
                .contains("spamgpt_inference_seconds_count");
    }

    @Test
    void initShouldFailWhenTheMetricsPortIsTaken() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SpamGptClassifier mailet = new SpamGptClassifier();

            assertThatThrownBy(
                            () ->
                                    mailet.init(
                                            config().setProperty(
                                                            "metricsPort",
                                                            Integer.toString(taken.getLocalPort()))
                                                    .build()))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("could not serve metrics");
        }
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
