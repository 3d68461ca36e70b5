package dev.spamgpt.streams.it;

import dev.spamgpt.streams.StreamsFilterApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The filter's real command line in a child JVM, so that a test can kill it the hard way ({@code
 * SIGKILL}: no shutdown hook, no commit, no leaving the group) and start it again.
 */
final class FilterProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private FilterProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The options that name the cluster and the four topics of a config.
     *
     * @param bootstrap the broker
     * @param config the topics
     * @return the options, to add to a command line
     */
    static List<String> clusterArgs(
            String bootstrap, dev.spamgpt.streams.config.FilterConfig config) {
        return List.of(
                "--bootstrap-servers",
                bootstrap,
                "--input-topic",
                config.inputTopic(),
                "--spam-topic",
                config.spamTopic(),
                "--ham-topic",
                config.hamTopic(),
                "--dlq-topic",
                config.dlqTopic());
    }

    static FilterProcess start(Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx512m");
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_interop_threads=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StreamsFilterApp.class.getName());
        command.addAll(args);
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        return new FilterProcess(process, log);
    }

    /** Kills the JVM with SIGKILL and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM and returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    /**
     * Waits for a line of the child's output to match, and returns the first group.
     *
     * @param regex a pattern with one group
     * @param timeout how long to wait
     * @return the group
     * @throws IOException if the log cannot be read
     * @throws InterruptedException when interrupted
     * @throws IllegalStateException with the log, on timeout or if the child exits
     */
    String awaitLine(String regex, java.time.Duration timeout)
            throws IOException, InterruptedException {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = pattern.matcher(log());
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "filter exited with " + process.exitValue() + ":\n" + log());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                "no line matching " + regex + " in " + timeout.toSeconds() + " s:\n" + log());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
