package dev.spamgpt.demo;

import dev.spamgpt.core.util.ProgressBar;
import dev.spamgpt.streams.topology.SpamHeaders;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Kafka half of {@code ./spamgpt demo}, also usable on its own. {@code sample} picks the test
 * messages; {@code send} writes them to the filter's input topic and reads the spam, ham and
 * dead-letter topics (read_committed, as a downstream consumer would) until every message has come
 * out, then prints one tab-separated line per message: id, true label, topic, score, text. A last
 * line starting with {@code #summary} has the counts and the elapsed time.
 */
@Command(
        name = "kafka-demo-client",
        mixinStandardHelpOptions = true,
        subcommands = {KafkaDemoClient.Sample.class, KafkaDemoClient.Send.class},
        description =
                "Sends the demo's messages through the streams filter and reports where each one"
                        + " went.")
public final class KafkaDemoClient {

    KafkaDemoClient() {}

    /**
     * Runs a subcommand.
     *
     * @param args {@code sample ...} or {@code send ...}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaDemoClient()).execute(args));
    }

    /** Picks the demo's messages from a dataset CSV. */
    @Command(
            name = "sample",
            mixinStandardHelpOptions = true,
            description = "Writes a random sample of a dataset CSV as JSON lines.")
    static final class Sample implements Callable<Integer> {
        @Option(
                names = "--data",
                required = true,
                paramLabel = "CSV",
                description = "Dataset CSV from prepare (test.csv).")
        Path data;

        @Option(
                names = "--count",
                defaultValue = "100",
                paramLabel = "N",
                description = "Messages to pick. Default: ${DEFAULT-VALUE}.")
        int count;

        @Option(
                names = "--seed",
                defaultValue = "2026",
                paramLabel = "N",
                description = "Shuffle seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "JSON lines file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (count < 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--count must be at least 1");
            }
            System.out.println(sample(data, count, seed, out));
            return 0;
        }
    }

    /**
     * Picks and writes the sample.
     *
     * @return one line for the user: how many messages of each label, from where
     */
    static String sample(Path data, int count, long seed, Path out) throws IOException {
        List<DemoSample.Message> sample = DemoSample.pick(data, count, seed);
        DemoSample.write(sample, out);
        long spam = sample.stream().filter(m -> m.label().equals("spam")).count();
        return String.format(
                Locale.ROOT,
                "%d messages (%d spam, %d ham) from %s",
                sample.size(),
                spam,
                sample.size() - spam,
                data);
    }

    /** Produces the sample and waits for every message on an output topic. */
    @Command(
            name = "send",
            mixinStandardHelpOptions = true,
            description = "Sends the sample and prints where each message went.")
    static final class Send implements Callable<Integer> {
        @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT")
        String bootstrap;

        @Option(
                names = "--sample",
                required = true,
                paramLabel = "FILE",
                description = "JSON lines from `sample`.")
        Path samplePath;

        @Option(names = "--input-topic", defaultValue = "sms.inbound")
        String inputTopic;

        @Option(names = "--spam-topic", defaultValue = "sms.spam")
        String spamTopic;

        @Option(names = "--ham-topic", defaultValue = "sms.ham")
        String hamTopic;

        @Option(names = "--dlq-topic", defaultValue = "sms.dlq")
        String dlqTopic;

        @Option(
                names = "--timeout",
                defaultValue = "300",
                paramLabel = "SECONDS",
                description = "Give up waiting after this long. Default: ${DEFAULT-VALUE}.")
        int timeoutSeconds;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "Tab-separated results.")
        Path out;

        @Option(
                names = "--progress",
                description = "Redraw the progress bar in place (a terminal).")
        boolean interactive;

        @Override
        public Integer call() throws Exception {
            List<DemoSample.Message> sample = DemoSample.read(samplePath);
            Map<String, DemoSample.Message> byId = new LinkedHashMap<>();
            sample.forEach(m -> byId.put(m.id(), m));
            Map<String, String[]> arrived = new HashMap<>();
            PrintStream err = System.err;
            long started;
            long finished;
            try (KafkaConsumer<String, byte[]> consumer =
                            new KafkaConsumer<>(consumerProps(bootstrap));
                    KafkaProducer<String, String> producer =
                            new KafkaProducer<>(producerProps(bootstrap))) {
                // Start reading at the current end of the output topics, so that an earlier
                // run's records are not counted.
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(spamTopic, hamTopic, dlqTopic)) {
                    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                        partitions.add(new TopicPartition(topic, p.partition()));
                    }
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);

                try (ProgressBar bar =
                        new ProgressBar(
                                "kafka: routed",
                                sample.size(),
                                0,
                                false,
                                err,
                                interactive,
                                System::nanoTime)) {
                    started = System.nanoTime();
                    for (DemoSample.Message m : sample) {
                        producer.send(new ProducerRecord<>(inputTopic, m.id(), m.text()));
                    }
                    producer.flush();
                    long deadline = started + Duration.ofSeconds(timeoutSeconds).toNanos();
                    while (arrived.size() < byId.size() && System.nanoTime() < deadline) {
                        for (ConsumerRecord<String, byte[]> r :
                                consumer.poll(Duration.ofMillis(200))) {
                            if (r.key() != null
                                    && byId.containsKey(r.key())
                                    && !arrived.containsKey(r.key())) {
                                String score = header(r, SpamHeaders.SCORE);
                                String reason = header(r, SpamHeaders.DLQ_REASON);
                                arrived.put(
                                        r.key(),
                                        new String[] {
                                            r.topic(),
                                            score != null ? score : reason != null ? reason : ""
                                        });
                                bar.step(1);
                            }
                        }
                    }
                    finished = System.nanoTime();
                }
            }
            try (PrintWriter w =
                    new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                for (DemoSample.Message m : sample) {
                    String[] where = arrived.getOrDefault(m.id(), new String[] {"(missing)", ""});
                    w.printf(
                            Locale.ROOT,
                            "%s\t%s\t%s\t%s\t%s%n",
                            m.id(),
                            m.label(),
                            where[0],
                            where[1],
                            DemoSample.snippet(m.text(), 48));
                }
                w.printf(
                        Locale.ROOT,
                        "#summary\tkafka\t%d\t%d\t%.3f%n",
                        sample.size(),
                        arrived.size(),
                        (finished - started) / 1e9);
            }
            if (arrived.size() < sample.size()) {
                err.printf(
                        Locale.ROOT,
                        "kafka: only %d of %d messages came out within %d s%n",
                        arrived.size(),
                        sample.size(),
                        timeoutSeconds);
                return 1;
            }
            return 0;
        }

        private static String header(ConsumerRecord<String, byte[]> r, String name) {
            Header h = r.headers().lastHeader(name);
            return h == null || h.value() == null
                    ? null
                    : new String(h.value(), StandardCharsets.UTF_8);
        }

        private static Properties producerProps(String bootstrap) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            return p;
        }

        private static Properties consumerProps(String bootstrap) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // Only committed output: what the filter wrote inside a committed transaction.
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            return p;
        }
    }
}
