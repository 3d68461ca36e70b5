package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.utils.TestIMAPClient;

/**
 * Delivery and IMAP MOVE latency of a real James with the mailet, with or without the feedback
 * listener: {@link FeedbackLatencyOffBench} and {@link FeedbackLatencyOnBench} run it in one Maven
 * run, each in a JVM of its own (a JVM loads libtorch into one class loader only), and the second
 * prints its figures against the first's. Not part of the test run:
 *
 * <pre>
 * ./mvnw -B -pl mailet -am verify -DskipTests -DskipITs=false -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.runOrder=alphabetical \
 *     -Dit.test='FeedbackLatency*Bench'
 * </pre>
 */
abstract class FeedbackLatency {

    static final String USER = "dave@" + DOMAIN;
    static final int WARMUP = 10;
    static final int ROUNDS = Integer.getInteger("spamgpt.bench.rounds", 60);
    static final Path RESULTS = Paths.get("target", "feedback-latency");

    /** Median and p90 of delivery and of MOVE, in ms. */
    static double[] measure(Path tmp, boolean listener) throws Exception {
        Path bundle = Verdicts.randomBundle(tmp, 7);
        String listeners =
                listener ? FeedbackJamesIT.listenersXml(tmp.resolve("feedback").toString()) : null;
        try (MailetJames james =
                MailetJames.start(
                        tmp.resolve("james"), bundle, Map.of(), List.of(USER), listeners)) {
            double[] delivery = new double[ROUNDS];
            double[] move = new double[ROUNDS];
            try (TestIMAPClient imap = new TestIMAPClient()) {
                imap.connect("127.0.0.1", james.imapPort()).login(USER, PASSWORD);
                if (!imap.list().toString().contains("Spam")) {
                    imap.create("Spam");
                }
                for (int i = -WARMUP; i < ROUNDS; i++) {
                    long before = total(imap);
                    long t0 = System.nanoTime();
                    james.send(
                            List.of(USER),
                            List.of(TestMails.plain("m" + i, USER, "bench " + i, "body " + i)));
                    while (total(imap) <= before) {
                        Thread.sleep(1);
                    }
                    long t1 = System.nanoTime();
                    // One message each way, so that a listener writes a report for each move.
                    String from = i % 2 == 0 ? "INBOX" : "Spam";
                    imap.select(from);
                    long t2 = System.nanoTime();
                    imap.moveFirstMessage(from.equals("INBOX") ? "Spam" : "INBOX");
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        delivery[i] = (t1 - t0) / 1e6;
                        move[i] = (t3 - t2) / 1e6;
                    }
                }
            }
            return new double[] {
                percentile(delivery, 50), percentile(delivery, 90),
                percentile(move, 50), percentile(move, 90)
            };
        }
    }

    private static long total(TestIMAPClient imap) throws Exception {
        return imap.getMessageCount("INBOX") + imap.getMessageCount("Spam");
    }

    static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static void write(String name, double[] figures) throws Exception {
        Files.createDirectories(RESULTS);
        StringBuilder s = new StringBuilder();
        for (double f : figures) {
            s.append(f).append('\n');
        }
        Files.writeString(RESULTS.resolve(name), s, StandardCharsets.UTF_8);
    }

    static double[] read(String name) throws Exception {
        return Files.readAllLines(RESULTS.resolve(name), StandardCharsets.UTF_8).stream()
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    static String line(String label, double[] f) {
        return String.format(
                Locale.ROOT,
                "%-14s delivery median %7.1f ms p90 %7.1f ms | MOVE median %6.1f ms p90 %6.1f ms",
                label,
                f[0],
                f[1],
                f[2],
                f[3]);
    }
}
