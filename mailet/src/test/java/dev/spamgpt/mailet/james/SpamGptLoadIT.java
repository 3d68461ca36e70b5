package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load on a real James 3.8.1 with the mailet from {@code extensions-jars/}: 500 mails over SMTP
 * from 10 concurrent clients. All must be delivered; the test prints mails per second, the p99
 * scoring latency (from the mailet's own Prometheus endpoint) and heap and RSS before and after,
 * and holds memory to a loose bound: the figures are for reading, the bound catches a leak.
 */
class SpamGptLoadIT {

    static final String USER = "load@" + DOMAIN;
    static final int CLIENTS = 10;
    static final int MAILS = 500;
    static final int WARM_UP = 40;
    // A leak of even a few KB per mail (an NDArray left in the model's manager) crosses these.
    static final long MAX_HEAP_GROWTH = 64L << 20;
    static final long MAX_RSS_GROWTH = 384L << 20;

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;

    @BeforeAll
    static void startJames() throws Exception {
        Path bundle = Verdicts.randomBundle(tmp, 7L);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("inferenceThreads", "2");
        parameters.put("maxBatchSize", "8");
        james = MailetJames.start(tmp.resolve("james"), bundle, parameters, List.of(USER));
    }

    @Test
    void fiveHundredMailsFromTenClientsShouldAllBeDeliveredWithFlatMemory() throws Exception {
        int imapPort = james.imapPort();
        Random random = new Random(42);
        send(0, WARM_UP, 2, random);
        awaitDelivered(WARM_UP);
        Memory before = Memory.measure();
        String metricsBefore = scrape();

        long start = System.nanoTime();
        send(WARM_UP, WARM_UP + MAILS, CLIENTS, random);
        long sent = System.nanoTime();
        awaitDelivered(WARM_UP + MAILS);
        long delivered = System.nanoTime();
        Memory after = Memory.measure();

        // Nothing more trickles in, nothing went to an error repository.
        Thread.sleep(1000);
        assertThat(ImapFolders.count(imapPort, USER)).isEqualTo(WARM_UP + MAILS);
        assertThat(james.repositoryCount("memory://var/mail/error/")).isZero();

        // Quantiles of the 500 mails only: the histograms' growth since the warm-up.
        String metrics = scrape();
        double scored = value(metrics, "spamgpt_scoring_seconds_count\\{[^}]*}");
        double p50 = quantile(metricsBefore, metrics, "spamgpt_scoring_seconds", 0.5);
        double p99 = quantile(metricsBefore, metrics, "spamgpt_scoring_seconds", 0.99);
        double passP50 = quantile(metricsBefore, metrics, "spamgpt_inference_seconds", 0.5);
        double passP99 = quantile(metricsBefore, metrics, "spamgpt_inference_seconds", 0.99);
        double batches =
                value(metrics, "spamgpt_inference_batch_size_count\\{[^}]*}")
                        - value(metricsBefore, "spamgpt_inference_batch_size_count\\{[^}]*}");
        double batchTexts =
                value(metrics, "spamgpt_inference_batch_size_sum\\{[^}]*}")
                        - value(metricsBefore, "spamgpt_inference_batch_size_sum\\{[^}]*}");
        double errors = value(metrics, "spamgpt_mails_total\\{[^}]*verdict=\"error\"}");

        double seconds = (delivered - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "[SpamGptLoadIT] %d mails from %d SMTP clients: accepted in %.1f s,"
                        + " delivered in %.1f s = %.1f mails/s%n",
                MAILS,
                CLIENTS,
                (sent - start) / 1e9,
                seconds,
                MAILS / seconds);
        System.out.printf(
                Locale.ROOT,
                "[SpamGptLoadIT] scoring latency per mail (histogram bucket bounds): p50 <= %.1f"
                    + " ms, p99 <= %.1f ms; %.0f forward passes (p50 <= %.1f ms, p99 <= %.1f ms),"
                    + " %.2f mails per pass%n",
                p50 * 1000,
                p99 * 1000,
                batches,
                passP50 * 1000,
                passP99 * 1000,
                batchTexts / batches);
        System.out.printf(
                Locale.ROOT,
                "[SpamGptLoadIT] heap after GC %s -> %s, RSS %s -> %s%n",
                mb(before.heap),
                mb(after.heap),
                mb(before.rss),
                mb(after.rss));

        assertThat(scored).isEqualTo(WARM_UP + MAILS);
        assertThat(errors).isZero();
        assertThat(p99).isPositive();
        assertThat(after.heap - before.heap).as("heap growth").isLessThan(MAX_HEAP_GROWTH);
        assertThat(after.rss - before.rss).as("RSS growth").isLessThan(MAX_RSS_GROWTH);
    }

    private static void send(int first, int end, int clients, Random random) throws Exception {
        List<String> mails = new ArrayList<>();
        for (int i = first; i < end; i++) {
            mails.add(TestMails.load(i, USER, random));
        }
        james.send(List.of(USER), mails, clients);
    }

    private static void awaitDelivered(int expected) {
        james.awaitDelivered(List.of(USER), expected, Duration.ofMinutes(5));
    }

    private String scrape() throws Exception {
        return james.scrapeMetrics();
    }

    /**
     * The upper bound of the histogram bucket that holds quantile q of what was recorded between
     * two scrapes.
     */
    private static double quantile(String before, String after, String histogram, double q) {
        TreeMap<Double, Double> grown = buckets(after, histogram);
        buckets(before, histogram).forEach((le, n) -> grown.merge(le, -n, Double::sum));
        double total = grown.lastEntry().getValue();
        assertThat(total).as("%s observations", histogram).isPositive();
        for (Map.Entry<Double, Double> bucket : grown.entrySet()) {
            if (bucket.getValue() >= q * total) {
                return bucket.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static TreeMap<Double, Double> buckets(String metrics, String histogram) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Matcher m =
                Pattern.compile(histogram + "_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.Ee+-]+)")
                        .matcher(metrics);
        while (m.find()) {
            double le =
                    "+Inf".equals(m.group(1))
                            ? Double.POSITIVE_INFINITY
                            : Double.parseDouble(m.group(1));
            buckets.put(le, Double.parseDouble(m.group(2)));
        }
        assertThat(buckets).as("%s buckets", histogram).isNotEmpty();
        return buckets;
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile(series + " ([0-9.Ee+-]+)").matcher(metrics);
        assertThat(m.find()).as("%s in\n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    /** Heap in use after a full GC, and the resident set of the process (James and the test). */
    static final class Memory {
        final long heap;
        final long rss;

        private Memory(long heap, long rss) {
            this.heap = heap;
            this.rss = rss;
        }

        static Memory measure() throws Exception {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = 0;
            for (String line :
                    Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return new Memory(heap, rss);
        }
    }
}
