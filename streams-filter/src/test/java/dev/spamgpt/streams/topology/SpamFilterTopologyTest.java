package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.core.serving.LiveModel;
import dev.spamgpt.core.serving.ShadowMetrics;
import dev.spamgpt.core.serving.ShadowScorer;
import dev.spamgpt.core.testing.CraftedMail;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import dev.spamgpt.streams.metrics.FilterMetrics;
import dev.spamgpt.streams.testing.ForwardingScorer;
import dev.spamgpt.streams.testing.PoisonScorer;
import dev.spamgpt.streams.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpamFilterTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final List<String> SMS =
            List.of(
                    "Free entry in 2 a wkly comp to win FA Cup final tkts",
                    "Ok lar... Joking wif u oni...",
                    "WINNER!! As a valued network customer you have been selected to receive a"
                            + " prize reward!",
                    "I'm gonna be home soon and i don't want to talk about this stuff anymore"
                            + " tonight",
                    "URGENT! You have won a 1 week FREE membership in our prize Jackpot!",
                    "Eh u remember how 2 spell his name... Yes i did.",
                    "Had your mobile 11 months or more? U R entitled to Update to the latest colour"
                            + " mobiles",
                    "Fine if that's the way u feel. That's the way its gotta b");

    @TempDir static Path models;
    private static Path bundle;
    private static SpamClassifier classifier;
    private static SpamClassifier halfSpam;
    private static final java.util.Map<String, Float> SCORES = new java.util.HashMap<>();

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> spam;
    private TestOutputTopic<byte[], byte[]> ham;
    private TestOutputTopic<byte[], byte[]> dlq;
    private FilterMetrics metrics;
    private SpamScorer scorer;

    @BeforeAll
    static void openModels() {
        bundle = TestModels.tinyBundle(models, 11);
        classifier = SpamClassifier.open(bundle);
        halfSpam = TestModels.splitting(bundle, SMS);
        for (String text : SMS) {
            SCORES.put(text, halfSpam.spamProbability(text));
        }
    }

    @AfterAll
    static void closeModels() {
        classifier.close();
        halfSpam.close();
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private static FilterConfig config(
            ValueFormat format,
            String jsonPath,
            int maxBytes,
            int batchSize,
            Duration classifierTimeout) {
        return new FilterConfig(
                "in",
                "spam",
                "ham",
                "dlq",
                format,
                jsonPath,
                maxBytes,
                batchSize,
                Duration.ofMillis(100),
                classifierTimeout);
    }

    private void start(
            ValueFormat format, String jsonPath, int maxBytes, int batchSize, SpamScorer scorer) {
        start(
                config(
                        format,
                        jsonPath,
                        maxBytes,
                        batchSize,
                        FilterConfig.DEFAULT_CLASSIFIER_TIMEOUT),
                scorer);
    }

    private void start(FilterConfig config, SpamScorer scorer) {
        start(config, Models.of(scorer));
    }

    private void start(FilterConfig config, Models models) {
        this.scorer = models.live().current();
        metrics = FilterMetrics.inMemory();
        Properties props =
                StreamsSettings.properties(
                        new KafkaOptions(
                                "spamgpt-test",
                                "localhost:9",
                                StreamsConfig.EXACTLY_ONCE_V2,
                                1,
                                null,
                                null),
                        config,
                        metrics);
        driver =
                new TopologyTestDriver(
                        SpamFilterTopology.build(config, models, metrics), props, T0);
        input = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        spam =
                driver.createOutputTopic(
                        "spam", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ham =
                driver.createOutputTopic(
                        "ham", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq =
                driver.createOutputTopic(
                        "dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void startText(int batchSize) {
        startText(batchSize, halfSpam);
    }

    private void startText(int batchSize, SpamScorer scorer) {
        start(ValueFormat.TEXT, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, batchSize, scorer);
    }

    private static boolean isSpam(String text) {
        return SCORES.get(text) >= halfSpam.threshold();
    }

    private static List<String> keysWhere(boolean spam) {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < SMS.size(); i++) {
            if (isSpam(SMS.get(i)) == spam) {
                keys.add("k" + i);
            }
        }
        return keys;
    }

    private void pipeSms() {
        for (int i = 0; i < SMS.size(); i++) {
            input.pipeInput(bytes("k" + i), bytes(SMS.get(i)));
        }
    }

    /** Pipes an SMS, a text with POISON in it and another SMS, keyed 1, 2 and 3. */
    private void pipeAPoisonPillBetweenTwoSms() {
        input.pipeInput(bytes("1"), bytes(SMS.get(0)));
        input.pipeInput(bytes("2"), bytes("POISON pill"));
        input.pipeInput(bytes("3"), bytes(SMS.get(1)));
    }

    /** Asserts that the piped SMS came out on spam and ham, in order, as the classifier scores. */
    private void assertSmsRoutedAsScored() {
        assertThat(spam.readKeyValuesToList())
                .extracting(kv -> text(kv.key))
                .containsExactlyElementsOf(keysWhere(true));
        assertThat(ham.readKeyValuesToList())
                .extracting(kv -> text(kv.key))
                .containsExactlyElementsOf(keysWhere(false));
    }

    /** How many records wait in the micro-batch buffer store. */
    private long buffered() {
        return driver.<org.apache.kafka.common.utils.Bytes, BufferedRecord>getKeyValueStore(
                        SpamFilterTopology.BUFFER_STORE)
                .approximateNumEntries();
    }

    @Test
    void shouldTagEachRecordWithTheModelOfItsBatchAndTheShadowScoreWhenItIsReady()
            throws Exception {
        // The live call takes 50 ms; the shadow may take 10 times that, so its score is ready.
        SpamScorer slowLive =
                new ForwardingScorer(classifier) {
                    @Override
                    public float[] spamProbabilities(List<String> texts) {
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return super.spamProbabilities(texts);
                    }

                    @Override
                    public void close() {}
                };
        LiveModel live = new LiveModel(slowLive);
        ShadowScorer shadow =
                new ShadowScorer(
                        new ForwardingScorer(halfSpam) {
                            @Override
                            public void close() {}
                        },
                        10,
                        2,
                        new ShadowMetrics(
                                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                                io.micrometer.core.instrument.Tags.empty(),
                                halfSpam.modelId()),
                        getClass().getClassLoader());
        try {
            start(
                    config(
                            ValueFormat.TEXT,
                            null,
                            FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                            1,
                            FilterConfig.DEFAULT_CLASSIFIER_TIMEOUT),
                    new Models(live, shadow, true));
            input.pipeInput(bytes("1"), bytes(SMS.get(0)));
            live.swap(
                    new ForwardingScorer(halfSpam) {
                        @Override
                        public String modelId() {
                            return "next:2";
                        }

                        @Override
                        public void close() {}
                    });
            input.pipeInput(bytes("2"), bytes(SMS.get(1)));

            List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> out =
                    new java.util.ArrayList<>(spam.readRecordsToList());
            out.addAll(ham.readRecordsToList());
            out.sort(java.util.Comparator.comparing(r -> text(r.key())));
            assertThat(out).hasSize(2);
            assertThat(SpamHeaders.text(out.get(0).headers(), SpamHeaders.MODEL))
                    .isEqualTo(classifier.modelId());
            assertThat(SpamHeaders.text(out.get(1).headers(), SpamHeaders.MODEL))
                    .isEqualTo("next:2");
            assertThat(
                            Float.parseFloat(
                                    SpamHeaders.text(
                                            out.get(0).headers(), SpamHeaders.SHADOW_SCORE)))
                    .isCloseTo(SCORES.get(SMS.get(0)), org.assertj.core.data.Offset.offset(1e-5f));
        } finally {
            shadow.close();
        }
    }

    @Test
    void shouldRouteEachRecordAsTheClassifierScoresIt() {
        startText(1);

        pipeSms();

        assertThat(keysWhere(true)).isNotEmpty();
        assertThat(keysWhere(false)).isNotEmpty();
        assertSmsRoutedAsScored();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(metrics.classifiedCount(true)).isEqualTo(keysWhere(true).size());
        assertThat(metrics.classifiedCount(false)).isEqualTo(keysWhere(false).size());
    }

    @Test
    void shouldPassRecordThroughUnchangedAndAddSpamHeaders() {
        startText(1);
        String text = SMS.get(2);
        Headers headers = new RecordHeaders().add("trace-id", bytes("abc-123"));
        Instant when = T0.plusSeconds(42);

        input.pipeInput(new TestRecord<>(bytes("key-1"), bytes(text), headers, when));

        TestRecord<byte[], byte[]> out = (isSpam(text) ? spam : ham).readRecord();
        assertThat(text(out.key())).isEqualTo("key-1");
        assertThat(text(out.value())).isEqualTo(text);
        assertThat(out.getRecordTime()).isEqualTo(when);
        assertThat(SpamHeaders.text(out.headers(), "trace-id")).isEqualTo("abc-123");
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.LABEL))
                .isEqualTo(isSpam(text) ? "spam" : "ham");
        assertThat(Float.parseFloat(SpamHeaders.text(out.headers(), SpamHeaders.SCORE)))
                .isCloseTo(SCORES.get(text), org.assertj.core.data.Offset.offset(2e-6f));
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.MODEL))
                .isEqualTo("tiny-random:seed11");
    }

    @Test
    void shouldReplaceSpamHeadersThatTheProducerSet() {
        startText(1);
        String text = SMS.get(0);
        String forgedLabel = isSpam(text) ? "ham" : "spam";
        Headers forged =
                new RecordHeaders()
                        .add(SpamHeaders.LABEL, bytes(forgedLabel))
                        .add(SpamHeaders.SCORE, bytes("0.5"))
                        .add(SpamHeaders.DLQ_REASON, bytes("too-large"));

        input.pipeInput(new TestRecord<>(bytes("k"), bytes(text), forged, T0));

        TestRecord<byte[], byte[]> out = (isSpam(text) ? spam : ham).readRecord();
        assertThat(out.headers().headers(SpamHeaders.LABEL)).hasSize(1);
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.LABEL)).isNotEqualTo(forgedLabel);
        assertThat(out.headers().headers(SpamHeaders.SCORE)).hasSize(1);
        assertThat(out.headers().headers(SpamHeaders.DLQ_REASON)).isEmpty();
    }

    @Test
    void shouldClassifyTheTextAtTheJsonPath() {
        start(
                ValueFormat.JSON,
                "$.body['text']",
                FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                1,
                halfSpam);
        String spamText =
                SMS.stream().filter(SpamFilterTopologyTest::isSpam).findFirst().orElseThrow();
        String hamText = SMS.stream().filter(t -> !isSpam(t)).findFirst().orElseThrow();
        // The other fields hold the opposite text: only the one at the path may decide.
        String spamJson =
                "{\"id\": 1, \"body\": {\"text\": \""
                        + spamText
                        + "\", \"lang\": \"en\"}, \"note\": \""
                        + hamText
                        + "\"}";
        String hamJson =
                "{\"id\": 2, \"body\": {\"text\": \""
                        + hamText
                        + "\"}, \"note\": \""
                        + spamText
                        + "\"}";

        input.pipeInput(bytes("a"), bytes(spamJson));
        input.pipeInput(bytes("b"), bytes(hamJson));

        TestRecord<byte[], byte[]> spamOut = spam.readRecord();
        assertThat(text(spamOut.value())).isEqualTo(spamJson);
        assertThat(Float.parseFloat(SpamHeaders.text(spamOut.headers(), SpamHeaders.SCORE)))
                .isCloseTo(SCORES.get(spamText), org.assertj.core.data.Offset.offset(2e-6f));
        assertThat(text(ham.readValue())).isEqualTo(hamJson);
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();
    }

    @Test
    void shouldClassifyTheDecodedTextOfAnEmail() {
        start(ValueFormat.EMAIL, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, halfSpam);
        String body = SMS.get(4);
        String raw =
                String.join(
                        "\r\n",
                        "From: promo@example.com",
                        "To: you@example.org",
                        "Subject: You are a winner",
                        "MIME-Version: 1.0",
                        "Content-Type: multipart/alternative; boundary=\"b1\"",
                        "",
                        "--b1",
                        "Content-Type: text/plain; charset=utf-8",
                        "Content-Transfer-Encoding: base64",
                        "",
                        java.util.Base64.getMimeEncoder().encodeToString(bytes(body)),
                        "",
                        "--b1",
                        "Content-Type: text/html; charset=utf-8",
                        "",
                        "<p>" + body + "</p>",
                        "--b1--",
                        "");
        String extracted =
                dev.spamgpt.core.text.MessageText.fromMime(
                                bytes(raw), dev.spamgpt.core.text.MessageText.Limits.defaults())
                        .text();
        assertThat(extracted).contains("You are a winner").contains(body);
        boolean expectSpam = halfSpam.spamProbability(extracted) >= halfSpam.threshold();

        input.pipeInput(bytes("mail-1"), bytes(raw));

        TestRecord<byte[], byte[]> out = (expectSpam ? spam : ham).readRecord();
        assertThat(text(out.value())).isEqualTo(raw);
        assertThat(Float.parseFloat(SpamHeaders.text(out.headers(), SpamHeaders.SCORE)))
                .isCloseTo(
                        halfSpam.spamProbability(extracted),
                        org.assertj.core.data.Offset.offset(2e-6f));
    }

    @Test
    void shouldDeadLetterAnEmailWithoutReadableText() {
        start(ValueFormat.EMAIL, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, halfSpam);
        String raw =
                String.join(
                        "\r\n",
                        "From: a@example.com",
                        "MIME-Version: 1.0",
                        "Content-Type: multipart/mixed; boundary=\"b\"",
                        "",
                        "--b",
                        "Content-Type: application/octet-stream",
                        "Content-Disposition: attachment; filename=x.bin",
                        "Content-Transfer-Encoding: base64",
                        "",
                        "AAECAwQF",
                        "--b--",
                        "");

        input.pipeInput(bytes("mail-2"), bytes(raw));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.value())).isEqualTo(raw);
        assertDeadLetter(dead, "empty-text", "no readable text");
    }

    @Test
    void shouldDeadLetterJsonWithoutTheField() {
        start(ValueFormat.JSON, "$.body.text", FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, halfSpam);

        input.pipeInput(bytes("a"), bytes("{\"body\": {\"html\": \"<p>hi</p>\"}}"));
        input.pipeInput(bytes("b"), bytes("{\"body\": {\"text\": 42}}"));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead)
                .hasSize(2)
                .allSatisfy(
                        r ->
                                assertThat(SpamHeaders.text(r.headers(), SpamHeaders.DLQ_REASON))
                                        .isEqualTo("missing-field"));
        assertThat(SpamHeaders.text(dead.get(0).headers(), SpamHeaders.DLQ_ERROR))
                .contains("$.body.text");
        assertThat(SpamHeaders.text(dead.get(1).headers(), SpamHeaders.DLQ_ERROR))
                .contains("number");
        assertThat(metrics.deadLetterCount(DeadLetterReason.MISSING_FIELD)).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterInvalidJson() {
        start(ValueFormat.JSON, "$.text", FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, halfSpam);

        input.pipeInput(bytes("a"), bytes("{\"text\": \"unterminated"));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON))
                .isEqualTo("invalid-json");
        assertThat(text(dead.value())).isEqualTo("{\"text\": \"unterminated");
    }

    @Test
    void shouldDeadLetterInvalidUtf8WithItsSource() {
        startText(1);
        byte[] invalid = {'h', 'i', ' ', (byte) 0xC3, (byte) 0x28, '!'};
        input.pipeInput(bytes("ok"), bytes("hello"));

        input.pipeInput(bytes("bad"), invalid);

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(dead.value()).isEqualTo(invalid);
        assertThat(text(dead.key())).isEqualTo("bad");
        assertDeadLetter(dead, "invalid-utf8", "byte 3");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_TOPIC)).isEqualTo("in");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_PARTITION))
                .isEqualTo("0");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("1");
        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterATenMegabyteRecordWithoutItsValue() {
        startText(1);
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');

        input.pipeInput(bytes("big"), huge);

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(dead.value()).isNull();
        assertThat(text(dead.key())).isEqualTo("big");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("too-large");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ORIGINAL_SIZE))
                .isEqualTo("10485760");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterEmptyBlankAndNullText() {
        startText(1);

        input.pipeInput(bytes("empty"), new byte[0]);
        input.pipeInput(bytes("blank"), bytes(" \n\t "));
        input.pipeInput(bytes("null"), (byte[]) null);

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> text(r.key())).containsExactly("empty", "blank", "null");
        assertThat(dead)
                .allSatisfy(
                        r ->
                                assertThat(SpamHeaders.text(r.headers(), SpamHeaders.DLQ_REASON))
                                        .isEqualTo("empty-text"));
        assertThat(metrics.deadLetterCount(DeadLetterReason.EMPTY_TEXT)).isEqualTo(3);
    }

    @Test
    void shouldHoldRecordsUntilTheBatchIsFullThenScoreThemInOneCall() {
        PoisonScorer counting = new PoisonScorer(halfSpam, "\u0000never");
        startText(SMS.size(), counting);

        for (int i = 0; i < SMS.size() - 1; i++) {
            input.pipeInput(bytes("k" + i), bytes(SMS.get(i)));
        }
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();
        assertThat(buffered()).isEqualTo(SMS.size() - 1);

        int last = SMS.size() - 1;
        input.pipeInput(bytes("k" + last), bytes(SMS.get(last)));

        assertThat(counting.callSizes()).containsExactly(SMS.size());
        assertSmsRoutedAsScored();
        assertThat(buffered()).isZero();
    }

    @Test
    void shouldFlushAPartialBatchWhenTheWaitIsOver() {
        startText(16);

        input.pipeInput(bytes("1"), bytes(SMS.get(0)));
        input.pipeInput(bytes("2"), bytes(SMS.get(1)));
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(100));

        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(2);
        assertThat(metrics.batchSizes().count()).isEqualTo(1);
        assertThat(metrics.batchSizes().max()).isEqualTo(2.0);
    }

    @Test
    void shouldCountANewBatchsWaitFromTheEndOfTheFlushBeforeIt() {
        // Kafka Streams gives all records of one processing round the clock read at the round's
        // start. The driver's clock stands still during the 300 ms call in the same way.
        startText(2, new SlowScorer(halfSpam, 300));

        input.pipeInput(bytes("1"), bytes(SMS.get(0)));
        input.pipeInput(bytes("2"), bytes(SMS.get(1))); // a full batch: flushed, slowly
        input.pipeInput(bytes("3"), bytes(SMS.get(2)));
        driver.advanceWallClockTime(Duration.ofMillis(100));

        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(2);

        driver.advanceWallClockTime(Duration.ofMillis(1000));

        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(3);
        assertThat(metrics.batchSizes().count()).isEqualTo(2);
    }

    /** Scores after a pause. */
    private static final class SlowScorer extends ForwardingScorer {
        private final long pauseMs;

        SlowScorer(SpamScorer delegate, long pauseMs) {
            super(delegate);
            this.pauseMs = pauseMs;
        }

        @Override
        public float[] spamProbabilities(List<String> texts) {
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.spamProbabilities(texts);
        }
    }

    @Test
    void shouldKeepInputOrderWithinEachTopic() {
        // The classifier scores a batch shortest-first; the outputs must still come in input order.
        List<String> texts =
                List.of(
                        "a much longer message than the others, with many more tokens in it",
                        "hi",
                        "medium size text here",
                        "yo",
                        "ok then",
                        "another fairly long text to push the order about");
        startText(texts.size(), classifier);

        for (int i = 0; i < texts.size(); i++) {
            input.pipeInput(bytes(Integer.toString(i)), bytes(texts.get(i)));
        }

        List<String> out =
                new java.util.ArrayList<>(
                        ham.readValuesToList().stream().map(SpamFilterTopologyTest::text).toList());
        List<String> outSpam =
                spam.readValuesToList().stream().map(SpamFilterTopologyTest::text).toList();
        assertThat(out).isEqualTo(texts.stream().filter(out::contains).toList());
        assertThat(outSpam).isEqualTo(texts.stream().filter(outSpam::contains).toList());
        assertThat(out.size() + outSpam.size()).isEqualTo(texts.size());
    }

    @Test
    void shouldDeadLetterOnlyTheTextTheClassifierFailsOn() {
        PoisonScorer poisoned = new PoisonScorer(halfSpam, "POISON");
        startText(3, poisoned);

        pipeAPoisonPillBetweenTwoSms();

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.key())).isEqualTo("2");
        assertThat(text(dead.value())).isEqualTo("POISON pill");
        assertDeadLetter(dead, "classifier-failure", "cannot score");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("1");
        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(2);
        assertThat(poisoned.callSizes())
                .as("batch failed, then the two good texts alone")
                .containsExactly(1, 1);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterARecordWhoseProcessingFailsUnexpectedly() {
        SpamScorer brokenModelId =
                new ForwardingScorer(halfSpam) {
                    @Override
                    public String modelId() {
                        throw new IllegalStateException("model id unavailable");
                    }
                };
        startText(1, brokenModelId);

        input.pipeInput(bytes("k"), bytes("hello"));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.value())).isEqualTo("hello");
        assertDeadLetter(dead, "processing-error", "model id unavailable");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(metrics.deadLetterCount(DeadLetterReason.PROCESSING_ERROR)).isEqualTo(1);
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 4})
    void shouldDeadLetterAMailWhoseExtractionOverflowsTheStackAndClassifyTheNextOne(int batchSize) {
        start(ValueFormat.EMAIL, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, batchSize, halfSpam);

        input.pipeInput(bytes("ham-1"), CraftedMail.bytes(CraftedMail.ham("lunch")));
        input.pipeInput(bytes("bomb"), CraftedMail.bytes(CraftedMail.qpBomb()));
        input.pipeInput(bytes("ham-2"), CraftedMail.bytes(CraftedMail.ham("dinner")));
        driver.advanceWallClockTime(Duration.ofMillis(200));

        List<TestRecord<byte[], byte[]>> classified =
                new java.util.ArrayList<>(spam.readRecordsToList());
        classified.addAll(ham.readRecordsToList());
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(classified).extracting(r -> text(r.key())).contains("ham-1", "ham-2");
        assertThat(classified.size() + dead.size()).as("every record comes out once").isEqualTo(3);
        // Once core decodes the bomb without recursion it is simply classified.
        for (TestRecord<byte[], byte[]> r : dead) {
            assertThat(text(r.key())).isEqualTo("bomb");
            assertDeadLetter(r, "extraction-failure", "StackOverflowError");
            assertThat(r.value()).isEqualTo(CraftedMail.bytes(CraftedMail.qpBomb()));
        }
    }

    @ParameterizedTest(name = "batch size {0}")
    @ValueSource(ints = {1, 3})
    void shouldDeadLetterOnlyTheTextWhoseScoringThrowsAnError(int batchSize) {
        SpamScorer overflowing =
                new ForwardingScorer(halfSpam) {
                    @Override
                    public float[] spamProbabilities(List<String> texts) {
                        if (texts.stream().anyMatch(t -> t.contains("POISON"))) {
                            throw new StackOverflowError("deep");
                        }
                        return super.spamProbabilities(texts);
                    }
                };
        startText(batchSize, overflowing);

        pipeAPoisonPillBetweenTwoSms();

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.key())).isEqualTo("2");
        assertDeadLetter(dead, "classifier-failure", "StackOverflowError");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(spam.getQueueSize() + ham.getQueueSize()).isEqualTo(2);
    }

    @Test
    void shouldLetAnOutOfMemoryErrorFromTheScorerStopTheThread() {
        SpamScorer exhausted =
                new ForwardingScorer(halfSpam) {
                    @Override
                    public float[] spamProbabilities(List<String> texts) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                };
        startText(1, exhausted);

        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> input.pipeInput(bytes("k"), bytes(SMS.get(0))));

        assertThat(causes(thrown))
                .as("a real OutOfMemoryError is fatal")
                .anyMatch(t -> t instanceof OutOfMemoryError);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldCountHeadersAgainstTheSizeLimitAndLeaveThemOutOfTheDeadLetter() {
        start(ValueFormat.TEXT, null, 1000, 1, halfSpam);
        byte[] blob = new byte[5000];
        Arrays.fill(blob, (byte) 'h');
        Headers headers = new RecordHeaders().add("trace-id", bytes("abc-123")).add("blob", blob);

        input.pipeInput(new TestRecord<>(bytes("k"), bytes(SMS.get(0)), headers, T0));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertDeadLetter(dead, "too-large", "headers");
        assertThat(dead.value()).isNull();
        assertThat(text(dead.key())).isEqualTo("k");
        assertThat(SpamHeaders.text(dead.headers(), "trace-id")).isEqualTo("abc-123");
        assertThat(dead.headers().lastHeader("blob")).as("the header that does not fit").isNull();
        assertThat(SpamHeaders.text(dead.headers(), "spam.dlq.dropped.headers")).isEqualTo("1");
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterTheRecordsOfAClassifierCallThatTimesOutAndGoOn() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch interrupted =
                new java.util.concurrent.CountDownLatch(1);
        SpamScorer stuck =
                new ForwardingScorer(halfSpam) {
                    @Override
                    public float[] spamProbabilities(List<String> texts) {
                        if (texts.stream().anyMatch(t -> t.contains("STUCK"))) {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                interrupted.countDown();
                                throw new IllegalStateException("interrupted");
                            }
                        }
                        return super.spamProbabilities(texts);
                    }
                };
        start(
                config(
                        ValueFormat.TEXT,
                        null,
                        FilterConfig.DEFAULT_MAX_RECORD_BYTES,
                        2,
                        Duration.ofMillis(300)),
                stuck);
        try {
            // Hang guard only: without a timeout the first batch never returns.
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> {
                        input.pipeInput(bytes("1"), bytes(SMS.get(0)));
                        input.pipeInput(bytes("2"), bytes("STUCK for ever"));
                        input.pipeInput(bytes("3"), bytes(SMS.get(1)));
                        input.pipeInput(bytes("4"), bytes(SMS.get(2)));
                    });
        } finally {
            release.countDown();
        }

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead)
                .extracting(r -> text(r.key()))
                .as("the whole timed-out call")
                .containsExactly("1", "2");
        assertThat(dead)
                .allSatisfy(
                        r -> {
                            assertDeadLetter(r, "classifier-timeout", "within 300 ms");
                        });
        assertThat(text(dead.get(1).value())).isEqualTo("STUCK for ever");
        assertThat(spam.getQueueSize() + ham.getQueueSize()).as("the next batch").isEqualTo(2);
        assertThat(metrics.deadLetterCount(DeadLetterReason.CLASSIFIER_TIMEOUT)).isEqualTo(2);
        assertThat(interrupted.await(30, java.util.concurrent.TimeUnit.SECONDS))
                .as("the call is interrupted")
                .isTrue();
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Asserts a dead letter's reason and that its error says what went wrong. */
    private static void assertDeadLetter(
            TestRecord<byte[], byte[]> dead, String reason, String error) {
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo(reason);
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ERROR)).contains(error);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
