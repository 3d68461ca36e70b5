package dev.spamgpt.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.trainer.cli.BacktestCommand;
import dev.spamgpt.trainer.cli.SpamGptCli;
import dev.spamgpt.trainer.train.SyntheticSms;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A large mbox streams through {@code backtest} in flat memory: the process's resident set is
 * sampled every {@code spamgpt.bench.every} messages and must not grow after warm-up.
 *
 * <p>Explicit only: {@code ./mvnw -o -pl trainer -am verify -Dtest=BacktestMemoryBench
 * -Dspamgpt.bench=true -Dsurefire.failIfNoSpecifiedTests=false -DskipITs} ({@code
 * -Dspamgpt.bench.messages=N}, default 100000).
 */
class BacktestMemoryBench {

    @Test
    void largeMboxStreamsInFlatMemory() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.bench"), "benchmark; run it with -Dspamgpt.bench=true");
        int messages = Integer.getInteger("spamgpt.bench.messages", 100_000);
        int every = Integer.getInteger("spamgpt.bench.every", 10_000);
        Path work = Files.createTempDirectory("backtest-bench");
        Path data = SyntheticSms.writeSplits(work.resolve("data"), 96, 21);
        var cli = SpamGptCli.commandLine();
        int trained =
                cli.execute(
                        "train",
                        "--data",
                        data.toString(),
                        "--out",
                        work.resolve("run").toString(),
                        "--init",
                        "random",
                        "--config",
                        "tiny",
                        "--epochs",
                        "1");
        assertThat(trained).isZero();
        Path bundle = work.resolve("run").resolve("bundle");
        Path mbox = work.resolve("big.mbox");
        long t0 = System.nanoTime();
        long bytes = writeMbox(mbox, messages);
        System.out.printf(
                Locale.ROOT,
                "wrote %d messages, %.1f MB, in %.1f s%n",
                messages,
                bytes / 1e6,
                (System.nanoTime() - t0) / 1e9);

        CommandLine backtest = SpamGptCli.commandLine();
        StringWriter out = new StringWriter();
        backtest.setOut(new PrintWriter(out, true));
        backtest.setErr(new PrintWriter(new StringWriter(), true));
        List<long[]> samples = new ArrayList<>();
        BacktestCommand command = backtest.getSubcommands().get("backtest").getCommand();
        long[] next = {every};
        long start = System.nanoTime();
        command.progressListener(
                n -> {
                    if (n >= next[0]) {
                        long rss = rssKb();
                        samples.add(new long[] {n, rss});
                        System.out.printf(
                                Locale.ROOT,
                                "  %,9d messages  %6.1f s  RSS %,d MB%n",
                                n,
                                (System.nanoTime() - start) / 1e9,
                                rss / 1024);
                        next[0] += every;
                    }
                });
        // Baseline and candidate: the same bundle twice, so both models are held and run.
        int code =
                backtest.execute(
                        "backtest",
                        "--model",
                        bundle.toString(),
                        "--baseline",
                        bundle.toString(),
                        "--data",
                        mbox.toString(),
                        "--no-html",
                        "--json",
                        work.resolve("report.json").toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.print(out);
        System.out.printf(
                Locale.ROOT,
                "backtest of %d messages: %.1f s, %.0f messages/s, final RSS %,d MB%n",
                messages,
                seconds,
                messages / seconds,
                rssKb() / 1024);
        assertThat(code).isZero();
        assertThat(out.toString()).contains(messages + " messages scored");
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
        long warm = samples.get(0)[1];
        long last = samples.get(samples.size() - 1)[1];
        assertThat(last)
                .as("RSS after %d messages vs after %d", samples.get(samples.size() - 1)[0], every)
                .isLessThanOrEqualTo((long) (warm * 1.25) + 64 * 1024);
        System.out.println("work folder: " + work);
    }

    /** Writes the mbox a message at a time; nothing of it is held in memory. */
    private static long writeMbox(Path file, int count) throws IOException {
        Random random = new Random(3);
        String[] words = {
            "meeting",
            "invoice",
            "prize",
            "account",
            "lunch",
            "verify",
            "offer",
            "report",
            "free",
            "password",
            "project",
            "winner",
            "schedule",
            "urgent",
            "click",
            "notes"
        };
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                w.write("From sender" + (i % 97) + "@example.com Mon Jan  1 00:00:00 2024\n");
                w.write("Message-ID: <" + i + "@bench.example>\n");
                w.write("Subject: " + words[random.nextInt(words.length)] + " " + i + "\n");
                w.write("Content-Type: text/plain; charset=utf-8\n\n");
                int n = 20 + random.nextInt(60);
                StringBuilder body = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    body.append(words[random.nextInt(words.length)])
                            .append(k % 12 == 11 ? "\n" : " ");
                }
                w.write(body.toString());
                w.write("\n\n");
            }
        }
        return Files.size(file);
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
