package dev.spamgpt.trainer.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A range of a Kafka topic, by offsets or by record time, from (inclusive) to (exclusive), on every
 * partition or the ones named. The record value holds the text (UTF-8, a JSON field, or a raw
 * message); a header may hold the label, and a record without one is unlabelled. Nothing is
 * committed: the read uses a throw-away group and moves no consumer group's offsets.
 */
public final class KafkaRange implements MessageSource {

    /** How the text is found in a record value. */
    public enum ValueFormat {
        /** The value is UTF-8 text. */
        TEXT,
        /** The value is a JSON object; the text is a string field. */
        JSON,
        /** The value is a raw RFC 822 message, read by the shared MIME extraction. */
        EMAIL
    }

    /**
     * One end of the range: an offset on every partition, or a time.
     *
     * @param offset the offset, or -1
     * @param time the time, or null
     */
    public record Bound(long offset, Instant time) {

        /**
         * Parses a whole number (an offset) or an ISO-8601 time ({@code 2026-01-31T12:00:00Z}) or
         * date ({@code 2026-01-31}, midnight UTC).
         *
         * @param text the bound as written
         * @return the bound
         * @throws IllegalArgumentException if it is neither
         */
        public static Bound parse(String text) {
            String t = text.trim();
            if (t.matches("\\d{1,19}")) {
                try {
                    return new Bound(Long.parseLong(t), null);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("offset " + t + " is too large", e);
                }
            }
            try {
                return new Bound(-1, Instant.parse(t));
            } catch (DateTimeParseException e) {
                try {
                    return new Bound(
                            -1, LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
                } catch (DateTimeParseException e2) {
                    throw new IllegalArgumentException(
                            "'"
                                    + text
                                    + "' is neither an offset (a whole number >= 0) nor a time"
                                    + " (2026-01-31T12:00:00Z or 2026-01-31)",
                            e2);
                }
            }
        }

        boolean isTime() {
            return time != null;
        }

        @Override
        public String toString() {
            return isTime() ? time.toString() : Long.toString(offset);
        }
    }

    /**
     * Where and what to read.
     *
     * @param topic the topic
     * @param bootstrap the brokers, {@code HOST:PORT,...}
     * @param partitions the partitions to read, or empty for all
     * @param from the first offset or time, or null for the beginning
     * @param to the offset or time to stop before, or null for the end as of the start
     * @param format how a value holds the text
     * @param jsonField the text's field for {@link ValueFormat#JSON}, dotted, such as {@code
     *     body.text} (a leading {@code $.} is allowed)
     * @param labelHeader the header that holds ham, spam, 0 or 1; null for none
     * @param properties more consumer settings, such as security
     * @param timeout the longest the broker may go without handing over a record
     */
    public record Settings(
            String topic,
            String bootstrap,
            List<Integer> partitions,
            Bound from,
            Bound to,
            ValueFormat format,
            String jsonField,
            String labelHeader,
            Map<String, String> properties,
            Duration timeout) {

        /** Checks what can be checked without a broker. */
        public Settings {
            if (topic == null || topic.isBlank() || bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException(
                        "a Kafka source is kafka:TOPIC@HOST:PORT[,HOST:PORT...]");
            }
            if (from != null && to != null && from.isTime() == to.isTime()) {
                boolean backwards =
                        from.isTime()
                                ? !from.time().isBefore(to.time())
                                : from.offset() > to.offset();
                if (backwards) {
                    throw new IllegalArgumentException(
                            "the range ends before it starts: --from " + from + " --to " + to);
                }
            }
            partitions = partitions == null ? List.of() : List.copyOf(partitions);
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final MessageText.Limits limits = MessageText.Limits.defaults();
    private final List<String> problemSamples = new ArrayList<>();
    private final Map<String, Object> ranges = new LinkedHashMap<>();
    private long problems;
    private long total;

    /**
     * @param settings where and what to read
     */
    public KafkaRange(Settings settings) {
        this.settings = settings;
    }

    /**
     * Parses {@code TOPIC@HOST:PORT,...}.
     *
     * @param spec the part after {@code kafka:}
     * @return topic and bootstrap servers
     * @throws IllegalArgumentException if it has no {@code @}
     */
    public static String[] topicAndBootstrap(String spec) {
        int at = spec.indexOf('@');
        if (at <= 0 || at == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "a Kafka source is kafka:TOPIC@HOST:PORT[,HOST:PORT...], got kafka:" + spec);
        }
        return new String[] {spec.substring(0, at), spec.substring(at + 1)};
    }

    @Override
    public String kind() {
        return "kafka";
    }

    @Override
    public boolean isMail() {
        return false;
    }

    /** Messages in the range, counted once the range is resolved at the start of the replay. */
    public long total() {
        return total;
    }

    @Override
    public void replay(Consumer<BacktestMessage> sink, PrintWriter warnings) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "spamgpt-backtest-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long timeoutMs = settings.timeout().toMillis();
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        props.put(
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(Math.min(timeoutMs, 30_000L)));
        props.putAll(settings.properties());
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> start = new HashMap<>();
            Map<TopicPartition, Long> stop = new HashMap<>();
            resolve(consumer, partitions, start, stop);
            consumer.assign(partitions);
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                long first = start.get(tp);
                long end = stop.get(tp);
                ranges.put(tp.toString(), Map.of("from", first, "to", end));
                total += end - first;
                consumer.seek(tp, first);
                if (first < end) {
                    open.add(tp);
                }
            }
            consumer.pause(
                    partitions.stream()
                            .filter(p -> !open.contains(p))
                            .collect(Collectors.toList()));
            long lastRecord = System.nanoTime();
            while (!open.isEmpty()) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < stop.get(tp)) {
                        any = true;
                        take(record, sink);
                    }
                }
                // Transaction markers and compacted gaps move the position without records.
                for (TopicPartition tp : new ArrayList<>(open)) {
                    if (consumer.position(tp) >= stop.get(tp)) {
                        open.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
                if (any) {
                    lastRecord = System.nanoTime();
                } else if (!open.isEmpty()
                        && System.nanoTime() - lastRecord > settings.timeout().toNanos()) {
                    throw new IOException(
                            "Kafka handed over no record of "
                                    + settings.topic()
                                    + " for "
                                    + settings.timeout()
                                    + " though the range is not read to its end");
                }
            }
        } catch (KafkaException e) {
            throw new IOException("cannot read Kafka topic " + settings.topic() + ": " + e, e);
        }
        for (String p : problemSamples) {
            warnings.println("skipped: " + p);
        }
        if (problems > problemSamples.size()) {
            warnings.println("skipped: " + (problems - problemSamples.size()) + " more not shown");
        }
        warnings.flush();
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer)
            throws IOException {
        List<PartitionInfo> infos = consumer.partitionsFor(settings.topic(), settings.timeout());
        if (infos == null || infos.isEmpty()) {
            throw new IOException("Kafka has no topic " + settings.topic());
        }
        List<Integer> known = infos.stream().map(PartitionInfo::partition).sorted().toList();
        List<Integer> wanted = settings.partitions().isEmpty() ? known : settings.partitions();
        List<TopicPartition> out = new ArrayList<>();
        for (int p : wanted) {
            if (!known.contains(p)) {
                throw new IllegalArgumentException(
                        "topic "
                                + settings.topic()
                                + " has no partition "
                                + p
                                + " (it has "
                                + known
                                + ")");
            }
            out.add(new TopicPartition(settings.topic(), p));
        }
        return out;
    }

    /** Turns the bounds into an offset range per partition, within what the partition holds. */
    private void resolve(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> start,
            Map<TopicPartition, Long> stop) {
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, settings.timeout());
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, settings.timeout());
        Map<TopicPartition, Long> from = offsets(consumer, partitions, settings.from(), begin, end);
        Map<TopicPartition, Long> to = offsets(consumer, partitions, settings.to(), end, end);
        for (TopicPartition tp : partitions) {
            long lo = Math.max(begin.get(tp), Math.min(from.get(tp), end.get(tp)));
            long hi = Math.max(lo, Math.min(to.get(tp), end.get(tp)));
            start.put(tp, lo);
            stop.put(tp, hi);
        }
    }

    private Map<TopicPartition, Long> offsets(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Bound bound,
            Map<TopicPartition, Long> absent,
            Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (bound == null) {
            out.putAll(absent);
        } else if (!bound.isTime()) {
            partitions.forEach(tp -> out.put(tp, bound.offset()));
        } else {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, bound.time().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found =
                    consumer.offsetsForTimes(query, settings.timeout());
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = found.get(tp);
                // No record at or after the time: the range starts or stops at the end.
                out.put(tp, o == null ? end.get(tp) : o.offset());
            }
        }
        return out;
    }

    private void take(ConsumerRecord<byte[], byte[]> record, Consumer<BacktestMessage> sink) {
        String id = record.topic() + "-" + record.partition() + "@" + record.offset();
        String text;
        try {
            text = text(record.value());
        } catch (IllegalArgumentException e) {
            problem(id, e.getMessage());
            return;
        }
        if (text == null || text.isBlank()) {
            problem(id, "no text");
            return;
        }
        int label = label(record);
        String group =
                label == ReadResult.UNLABELLED
                        ? BacktestMessage.UNLABELLED
                        : LabelledText.name(label);
        sink.accept(new BacktestMessage(id, group, label, text));
    }

    private String text(byte[] value) {
        if (value == null) {
            return null;
        }
        switch (settings.format()) {
            case EMAIL:
                return MessageText.fromMime(value, limits).text();
            case JSON:
                JsonNode node;
                try {
                    node = JSON.readTree(utf8(value));
                } catch (IOException e) {
                    throw new IllegalArgumentException("value is not JSON", e);
                }
                for (String part : fieldPath(settings.jsonField())) {
                    node = node == null ? null : node.get(part);
                }
                if (node == null || !node.isTextual()) {
                    throw new IllegalArgumentException(
                            "no string at " + settings.jsonField() + " in the value");
                }
                return node.textValue();
            default:
                return utf8(value);
        }
    }

    private static List<String> fieldPath(String field) {
        String f = field.startsWith("$.") ? field.substring(2) : field;
        return List.of(f.split("\\.", -1));
    }

    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("value is not UTF-8", e);
        }
    }

    private int label(ConsumerRecord<byte[], byte[]> record) {
        if (settings.labelHeader() == null) {
            return ReadResult.UNLABELLED;
        }
        Header h = record.headers().lastHeader(settings.labelHeader());
        if (h == null || h.value() == null) {
            return ReadResult.UNLABELLED;
        }
        int label = LabelledText.parseLabel(new String(h.value(), StandardCharsets.UTF_8));
        return label < 0 ? ReadResult.UNLABELLED : label;
    }

    private void problem(String id, String why) {
        problems++;
        if (problemSamples.size() < ReadResult.MAX_REPORTED) {
            problemSamples.add(id + ": " + why);
        }
    }

    @Override
    public long problems() {
        return problems;
    }

    @Override
    public long skipped() {
        return 0;
    }

    @Override
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("topic", settings.topic());
        s.put("bootstrap", settings.bootstrap());
        s.put("from", settings.from() == null ? "beginning" : settings.from().toString());
        s.put("to", settings.to() == null ? "end" : settings.to().toString());
        s.put("value_format", settings.format().name().toLowerCase(Locale.ROOT));
        s.put("partitions", ranges);
        s.put("records_in_range", total);
        s.put("unusable_records", problems);
        s.put("problems", problemSamples);
        return s;
    }
}
