package dev.spamgpt.trainer.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/** Runs the command line as a user would, capturing what it prints. */
final class CliRun {

    final int code;
    final String out;
    final String err;

    private CliRun(int code, String out, String err) {
        this.code = code;
        this.out = out;
        this.err = err;
    }

    static CliRun of(String... args) {
        return withStdin(null, args);
    }

    /** {@code prepare --data DATA --out OUT}, then the options. */
    static CliRun prepare(Path data, Path out, String... options) {
        String[] args = {"prepare", "--data", data.toString(), "--out", out.toString()};
        return of(concat(args, options));
    }

    /** {@code train --data DATA --out OUT}, then the options. */
    static CliRun train(Path data, Path out, String... options) {
        String[] args = {"train", "--data", data.toString(), "--out", out.toString()};
        return of(concat(args, options));
    }

    /** {@code train --init random --config tiny}: the tiny model from random weights. */
    static CliRun trainTiny(Path data, Path out, String... options) {
        String[] tiny = {"--init", "random", "--config", "tiny"};
        return train(data, out, concat(tiny, options));
    }

    /** The arguments, then more. */
    static String[] concat(String[] args, String... more) {
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    static CliRun withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SpamGptCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        if (stdin != null) {
            ClassifyCommand classify = cli.getSubcommands().get("classify").getCommand();
            classify.stdin = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
