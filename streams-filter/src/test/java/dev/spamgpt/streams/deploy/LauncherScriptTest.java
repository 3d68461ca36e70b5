package dev.spamgpt.streams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The quick-start launcher {@code ./spamgpt} answers {@code --help} and refuses bad input before it
 * builds or starts anything. The demo itself is too long for the test suite; it is run by hand (see
 * deploy/README.md).
 */
class LauncherScriptTest {

    static final Path SCRIPT = Path.of("..", "spamgpt").toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {}

    @Test
    void helpShouldListTheCommandsAndExitZero() throws Exception {
        Result r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains(
                        "Usage: ./spamgpt <command>",
                        "demo",
                        "--sample N",
                        "--data FILE",
                        "Ctrl-C");
    }

    @Test
    void scriptShouldBeExecutableAndValidBash() throws Exception {
        assertThat(Files.isExecutable(SCRIPT)).as("%s is executable", SCRIPT).isTrue();
        Process p =
                new ProcessBuilder("bash", "-n", SCRIPT.toString())
                        .redirectErrorStream(true)
                        .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue())
                .as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    @Test
    void unknownCommandShouldExitTwoWithTheUsage() throws Exception {
        Result r = run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command frobnicate", "Usage:");
    }

    @Test
    void demoShouldRejectABadSampleSizeBeforeDoingAnything() throws Exception {
        Result r = run("demo", "--sample", "lots");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--sample must be a positive number, got 'lots'");
        assertThat(r.out()).doesNotContain("Building");
    }

    @Test
    void demoShouldRejectAnUnknownOption() throws Exception {
        Result r = run("demo", "--turbo");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("unknown demo option '--turbo'");
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }
}
