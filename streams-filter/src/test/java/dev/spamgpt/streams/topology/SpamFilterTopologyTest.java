package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.KafkaOptions;
import dev.spamgpt.streams.config.StreamsSettings;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.metrics.FilterMetrics;
import dev.spamgpt.streams.testing.KeywordScorer;
import dev.spamgpt.streams.testing.PoisonScorer;

class SpamFilterTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> spam;
    private TestOutputTopic<byte[], byte[]> ham;
    private TestOutputTopic<byte[], byte[]> dlq;
    private FilterMetrics metrics;
    private SpamScorer scorer;

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(ValueFormat format, String jsonPath, int maxBytes, int batchSize, SpamScorer scorer) {
        FilterConfig config = new FilterConfig("in", "spam", "ham", "dlq", format, jsonPath, maxBytes, batchSize,
                Duration.ofMillis(100));
        this.scorer = scorer;
        metrics = FilterMetrics.inMemory();
        Properties props = StreamsSettings.properties(
                new KafkaOptions("spamgpt-test", "localhost:9", StreamsConfig.EXACTLY_ONCE_V2, 1, null, null),
                config, metrics);
        driver = new TopologyTestDriver(SpamFilterTopology.build(config, scorer, metrics), props, T0);
        input = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
        spam = driver.createOutputTopic("spam", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ham = driver.createOutputTopic("ham", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic("dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void startText(int batchSize) {
        start(ValueFormat.TEXT, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, batchSize, new KeywordScorer());
    }

    @Test
    void shouldRouteSpamAndHamToTheirTopics() {
        startText(1);

        input.pipeInput(bytes("k1"), bytes("You won a PRIZE, call now"));
        input.pipeInput(bytes("k2"), bytes("See you at lunch?"));

        assertThat(spam.readKeyValuesToList()).singleElement()
                .satisfies(kv -> assertThat(text(kv.key)).isEqualTo("k1"));
        assertThat(ham.readKeyValuesToList()).singleElement()
                .satisfies(kv -> assertThat(text(kv.key)).isEqualTo("k2"));
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(metrics.classifiedCount(true)).isEqualTo(1);
        assertThat(metrics.classifiedCount(false)).isEqualTo(1);
    }

    @Test
    void shouldPassRecordThroughUnchangedAndAddSpamHeaders() {
        startText(1);
        Headers headers = new RecordHeaders().add("trace-id", bytes("abc-123"));
        Instant when = T0.plusSeconds(42);

        input.pipeInput(new TestRecord<>(bytes("key-1"), bytes("a PRIZE for you"), headers, when));

        TestRecord<byte[], byte[]> out = spam.readRecord();
        assertThat(text(out.key())).isEqualTo("key-1");
        assertThat(text(out.value())).isEqualTo("a PRIZE for you");
        assertThat(out.getRecordTime()).isEqualTo(when);
        assertThat(SpamHeaders.text(out.headers(), "trace-id")).isEqualTo("abc-123");
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.LABEL)).isEqualTo("spam");
        float expected = scorer.spamProbability("a PRIZE for you");
        assertThat(Float.parseFloat(SpamHeaders.text(out.headers(), SpamHeaders.SCORE)))
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.MODEL)).isEqualTo(scorer.modelId());
    }

    @Test
    void shouldReplaceSpamHeadersThatTheProducerSet() {
        startText(1);
        Headers forged = new RecordHeaders().add(SpamHeaders.LABEL, bytes("ham")).add(SpamHeaders.SCORE, bytes("0.0"));

        input.pipeInput(new TestRecord<>(bytes("k"), bytes("claim your PRIZE"), forged, T0));

        TestRecord<byte[], byte[]> out = spam.readRecord();
        assertThat(out.headers().headers(SpamHeaders.LABEL)).hasSize(1);
        assertThat(SpamHeaders.text(out.headers(), SpamHeaders.LABEL)).isEqualTo("spam");
        assertThat(out.headers().headers(SpamHeaders.SCORE)).hasSize(1);
    }

    @Test
    void shouldClassifyTheTextAtTheJsonPath() {
        start(ValueFormat.JSON, "$.body.text", FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, new KeywordScorer());
        String spamJson = "{\"id\": 1, \"body\": {\"text\": \"win a PRIZE\", \"lang\": \"en\"}}";
        String hamJson = "{\"id\": 2, \"body\": {\"text\": \"meeting at 3\"}, \"note\": \"prize\"}";

        input.pipeInput(bytes("a"), bytes(spamJson));
        input.pipeInput(bytes("b"), bytes(hamJson));

        assertThat(text(spam.readValue())).isEqualTo(spamJson);
        assertThat(text(ham.readValue())).isEqualTo(hamJson);
    }

    @Test
    void shouldDeadLetterJsonWithoutTheField() {
        start(ValueFormat.JSON, "$.body.text", FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, new KeywordScorer());

        input.pipeInput(bytes("a"), bytes("{\"body\": {\"html\": \"<p>hi</p>\"}}"));
        input.pipeInput(bytes("b"), bytes("{\"body\": {\"text\": 42}}"));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r ->
                assertThat(SpamHeaders.text(r.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("missing-field"));
        assertThat(SpamHeaders.text(dead.get(0).headers(), SpamHeaders.DLQ_ERROR)).contains("$.body.text");
        assertThat(SpamHeaders.text(dead.get(1).headers(), SpamHeaders.DLQ_ERROR)).contains("number");
        assertThat(metrics.deadLetterCount(DeadLetterReason.MISSING_FIELD)).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterInvalidJson() {
        start(ValueFormat.JSON, "$.text", FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, new KeywordScorer());

        input.pipeInput(bytes("a"), bytes("{\"text\": \"unterminated"));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("invalid-json");
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
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("invalid-utf8");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ERROR)).contains("byte 3");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_TOPIC)).isEqualTo("in");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("1");
        assertThat(ham.readValuesToList()).hasSize(1);
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
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ORIGINAL_SIZE)).isEqualTo("10485760");
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
        assertThat(dead).allSatisfy(r ->
                assertThat(SpamHeaders.text(r.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("empty-text"));
        assertThat(metrics.deadLetterCount(DeadLetterReason.EMPTY_TEXT)).isEqualTo(3);
    }

    @Test
    void shouldHoldRecordsUntilTheBatchIsFullThenScoreThemInOneCall() {
        PoisonScorer counting = new PoisonScorer(new KeywordScorer(), "\u0000never");
        start(ValueFormat.TEXT, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, 4, counting);

        input.pipeInput(bytes("1"), bytes("one"));
        input.pipeInput(bytes("2"), bytes("a PRIZE"));
        input.pipeInput(bytes("3"), bytes("three"));
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();
        assertThat(driver.<org.apache.kafka.common.utils.Bytes, BufferedRecord>getKeyValueStore(
                SpamFilterTopology.BUFFER_STORE).approximateNumEntries()).isEqualTo(3);

        input.pipeInput(bytes("4"), bytes("four"));

        assertThat(counting.callSizes()).containsExactly(4);
        assertThat(ham.readKeyValuesToList()).extracting(kv -> text(kv.key)).containsExactly("1", "3", "4");
        assertThat(spam.readKeyValuesToList()).extracting(kv -> text(kv.key)).containsExactly("2");
        assertThat(driver.<org.apache.kafka.common.utils.Bytes, BufferedRecord>getKeyValueStore(
                SpamFilterTopology.BUFFER_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void shouldFlushAPartialBatchWhenTheWaitIsOver() {
        startText(16);

        input.pipeInput(bytes("1"), bytes("hello there"));
        input.pipeInput(bytes("2"), bytes("PRIZE inside"));
        assertThat(spam.isEmpty() && ham.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(100));

        assertThat(ham.readKeyValuesToList()).hasSize(1);
        assertThat(spam.readKeyValuesToList()).hasSize(1);
        assertThat(metrics.batchSizes().count()).isEqualTo(1);
        assertThat(metrics.batchSizes().max()).isEqualTo(2.0);
    }

    @Test
    void shouldKeepInputOrderWhileScoringShortestFirst() {
        startText(5);
        List<String> texts = List.of("a much longer message than the others", "hi", "medium size text", "yo", "ok then");

        for (int i = 0; i < texts.size(); i++) {
            input.pipeInput(bytes(Integer.toString(i)), bytes(texts.get(i)));
        }

        assertThat(ham.readValuesToList()).extracting(SpamFilterTopologyTest::text).containsExactlyElementsOf(texts);
    }

    @Test
    void shouldDeadLetterOnlyTheTextTheClassifierFailsOn() {
        PoisonScorer poisoned = new PoisonScorer(new KeywordScorer(), "POISON");
        start(ValueFormat.TEXT, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, 3, poisoned);

        input.pipeInput(bytes("1"), bytes("fine"));
        input.pipeInput(bytes("2"), bytes("POISON pill"));
        input.pipeInput(bytes("3"), bytes("a PRIZE"));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.key())).isEqualTo("2");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("classifier-failure");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ERROR)).contains("cannot score");
        assertThat(ham.readKeyValuesToList()).extracting(kv -> text(kv.key)).containsExactly("1");
        assertThat(spam.readKeyValuesToList()).extracting(kv -> text(kv.key)).containsExactly("3");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterARecordWhoseProcessingFailsUnexpectedly() {
        SpamScorer brokenModelId = new SpamScorer() {
            private final KeywordScorer inner = new KeywordScorer();

            @Override
            public float[] spamProbabilities(List<String> texts) {
                return inner.spamProbabilities(texts);
            }

            @Override
            public float threshold() {
                return inner.threshold();
            }

            @Override
            public String modelId() {
                throw new IllegalStateException("model id unavailable");
            }

            @Override
            public void close() {
            }
        };
        start(ValueFormat.TEXT, null, FilterConfig.DEFAULT_MAX_RECORD_BYTES, 1, brokenModelId);

        input.pipeInput(bytes("k"), bytes("hello"));

        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(text(dead.value())).isEqualTo("hello");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_REASON)).isEqualTo("processing-error");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_ERROR)).contains("model id unavailable");
        assertThat(SpamHeaders.text(dead.headers(), SpamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(metrics.deadLetterCount(DeadLetterReason.PROCESSING_ERROR)).isEqualTo(1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
