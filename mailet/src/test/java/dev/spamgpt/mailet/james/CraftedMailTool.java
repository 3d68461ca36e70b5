package dev.spamgpt.mailet.james;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.testing.CraftedMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes core's hostile test mails ({@link CraftedMail}) as .eml files. The integration tests' JVM
 * has no core on its class path (like a stock James), so they run this in a JVM of their own, as
 * they do {@link VerdictTool}, and read the files back.
 *
 * <p>Argument: the output folder.
 */
public final class CraftedMailTool {

    /** The mails written, each to NAME.eml. */
    static final List<String> NAMES =
            List.of("ham-before", "qp-bomb", "qp-multipart-bomb", "fold-bomb", "ham-after");

    private CraftedMailTool() {}

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Paths.get(args[0]));
        for (String name : NAMES) {
            Files.write(out.resolve(name + ".eml"), CraftedMail.bytes(mail(name)));
        }
    }

    private static String mail(String name) {
        switch (name) {
            case "ham-before":
                return CraftedMail.ham("Lunch tomorrow?");
            case "ham-after":
                return CraftedMail.ham("Lunch next week?");
            case "qp-bomb":
                return CraftedMail.qpBomb();
            case "qp-multipart-bomb":
                return CraftedMail.qpMultipartBomb();
            case "fold-bomb":
                // The whole 1 MiB Subject.
                return CraftedMail.foldBomb();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    /**
     * Runs this tool in a child JVM and reads its files.
     *
     * @param work a folder for the files and the log
     * @return the raw mails by name, in the tool's order
     */
    static Map<String, byte[]> generate(Path work) throws Exception {
        Path out = work.resolve("crafted");
        Path log = work.resolve("crafted-mail-tool.log");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-Xmx256m",
                                "-cp",
                                Verdicts.classpath(),
                                CraftedMailTool.class.getName(),
                                out.toString()));
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "the crafted mail tool did not finish in 120 s; see " + log);
        }
        assertThat(process.exitValue())
                .as("crafted mail tool exit code; log:\n%s", Verdicts.tail(log))
                .isZero();
        Map<String, byte[]> mails = new LinkedHashMap<>();
        for (String name : NAMES) {
            mails.put(name, Files.readAllBytes(out.resolve(name + ".eml")));
        }
        return mails;
    }
}
