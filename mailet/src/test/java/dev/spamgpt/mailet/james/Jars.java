package dev.spamgpt.mailet.james;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's other shipped jars, run in JVMs of their own the way a user runs them: the trainer
 * CLI, and the streams jar's Kafka broker (James and Kafka want different library versions, so the
 * broker cannot share this JVM).
 */
final class Jars {

    private Jars() {}

    static Path jar(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "system property " + property + " is not set: run this test with 'mvn verify'");
        }
        Path jar = Paths.get(value);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: build it first with ./mvnw -B package -DskipTests");
        }
        return jar;
    }

    /** The SMS collection in the shared folder beside the checkout. */
    static Path smsCollection() {
        return Paths.get(System.getProperty("spamgpt.shared.dir", "../../shared"))
                .resolve("data/sms-spam-collection/SMSSpamCollection");
    }

    static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The result of one trainer command. */
    static final class Run {
        final int code;
        final String output;

        Run(int code, String output) {
            this.code = code;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + code + "\n" + output;
        }
    }

    /** Runs {@code java -jar spamgpt-trainer.jar ARGS}, standard output and error together. */
    static Run trainer(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-Dai.djl.offline=true");
        command.add("-jar");
        command.add(jar("spamgpt.trainer.jar").toString());
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("trainer " + String.join(" ", args) + " did not end");
        }
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** A single-node KRaft broker in a child JVM; closing it closes the child's input. */
    static final class Broker implements AutoCloseable {
        private final Process process;
        final String bootstrapServers;

        private Broker(Process process, String bootstrapServers) {
            this.process = process;
            this.bootstrapServers = bootstrapServers;
        }

        static Broker start(Path log) throws IOException {
            Process p =
                    new ProcessBuilder(
                                    java(),
                                    "-Dorg.slf4j.simpleLogger.logFile=" + log,
                                    "-cp",
                                    jar("spamgpt.streams.jar").toString(),
                                    "dev.spamgpt.streams.broker.EmbeddedKafkaBroker")
                            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
            BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("bootstrap.servers=")) {
                    return new Broker(p, line.substring("bootstrap.servers=".length()).trim());
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("the broker did not start; see " + log);
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
