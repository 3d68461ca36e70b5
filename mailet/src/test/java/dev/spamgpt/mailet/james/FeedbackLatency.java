package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static dev.spamgpt.mailet.james.JamesHome.PASSWORD;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.utils.TestIMAPClient;

/**
 * Delivery and IMAP MOVE latency of a real James with the mailet, with or without the feedback
 * listener. Four runs in one Maven run, off, on, on, off, each in a JVM of its own (a JVM loads
 * libtorch into one class loader only): the two runs of each kind give the run-to-run spread, the
 * noise that the on/off ratio is read against, and the order cancels a machine that drifts slower
 * or faster over the minutes. The last run prints them all. Not part of the test run:
 *
 * <pre>
 * ./mvnw -B -pl mailet -am verify -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.runOrder=alphabetical \
 *     -Dspamgpt.bench.rounds=100 -Dit.test='FeedbackLatency*Bench'
 * </pre>
 */
abstract class FeedbackLatency {

    static final String USER = "dave@" + DOMAIN;
    static final int WARMUP = 10;
    static final int ROUNDS = Integer.getInteger("spamgpt.bench.rounds", 60);
    static final Path RESULTS = Paths.get("target", "feedback-latency");

    /** One of the four runs. */
    static final class Run {
        private final String name;
        private final boolean listener;

        Run(String name, boolean listener) {
            this.name = name;
            this.listener = listener;
        }

        String name() {
            return name;
        }

        boolean listener() {
            return listener;
        }
    }

    static final List<Run> RUNS =
            List.of(
                    new Run("off-1", false),
                    new Run("on-1", true),
                    new Run("on-2", true),
                    new Run("off-2", false));

    /** Measures one run, stores its figures, and prints the comparison once all four are in. */
    static void run(Path tmp, Run run) throws Exception {
        double[] figures = measure(tmp, run.listener());
        write(run.name(), figures);
        System.out.println("[FeedbackLatency] " + line(run.name(), figures));
        for (Run r : RUNS) {
            if (!Files.isRegularFile(RESULTS.resolve(r.name()))) {
                return;
            }
        }
        double[][] f = new double[RUNS.size()][];
        for (int k = 0; k < f.length; k++) {
            f[k] = read(RUNS.get(k).name());
            System.out.println("[FeedbackLatency] " + line(RUNS.get(k).name(), f[k]));
        }
        String[] names = {"delivery median", "delivery p90", "MOVE median", "MOVE p90"};
        for (int i = 0; i < names.length; i++) {
            double off = (f[0][i] + f[3][i]) / 2;
            double on = (f[1][i] + f[2][i]) / 2;
            System.out.printf(
                    Locale.ROOT,
                    "[FeedbackLatency] %-15s on/off %.2fx; spread off-2/off-1 %.2fx, on-2/on-1"
                            + " %.2fx (%d rounds a run)%n",
                    names[i],
                    on / off,
                    f[3][i] / f[0][i],
                    f[2][i] / f[1][i],
                    ROUNDS);
        }
    }

    /** Median and p90 of delivery and of MOVE, in ms. */
    static double[] measure(Path tmp, boolean listener) throws Exception {
        Path bundle = Verdicts.randomBundle(tmp, 7);
        // -Dspamgpt.bench.store=DIR puts the folder store elsewhere, e.g. on tmpfs, to see what the
        // disk's fsync costs.
        Path store =
                Files.createTempDirectory(
                        Paths.get(System.getProperty("spamgpt.bench.store", tmp.toString())),
                        "feedback");
        String listeners = listener ? FeedbackJamesIT.listenersXml(store.toString()) : null;
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
                    if (imap.getMessageCount(from) == 0) {
                        // The mailet filed every mail so far on the other side.
                        from = from.equals("INBOX") ? "Spam" : "INBOX";
                    }
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
            if (listener) {
                // Every move is one report; the last ones are still on the listener's thread.
                int moves = WARMUP + ROUNDS;
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                int stored = StoredReports.folder(store).size();
                while (stored < moves && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    stored = StoredReports.folder(store).size();
                }
                if (stored != moves) {
                    throw new AssertionError(stored + " reports for " + moves + " moves");
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
