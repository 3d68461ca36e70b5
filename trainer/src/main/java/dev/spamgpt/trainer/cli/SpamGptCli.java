package dev.spamgpt.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code spamgpt-trainer} command line: one subcommand class per verb. */
@Command(
        name = "spamgpt-trainer",
        mixinStandardHelpOptions = true,
        versionProvider = SpamGptCli.Version.class,
        description =
                "Fine-tunes GPT-2 to tell spam from ham and exports the model bundle"
                        + " that the Kafka Streams filter and the James mailet load.",
        subcommands = {
            CommandLine.HelpCommand.class,
            GenerateCommand.class,
            DownloadCommand.class,
            PrepareCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            ClassifyCommand.class,
            PromoteCommand.class,
            BacktestCommand.class,
            RollbackCommand.class,
        })
public final class SpamGptCli {

    /** Exit code: success. */
    public static final int EXIT_OK = 0;

    /** Exit code: a run-time failure (I/O, model, engine). */
    public static final int EXIT_FAILURE = 1;

    /** Exit code: bad command-line usage or invalid input data. */
    public static final int EXIT_USAGE = 2;

    private SpamGptCli() {}

    /**
     * Builds the command line with its handlers; tests call {@code execute} on it.
     *
     * @return the configured command line
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SpamGptCli());
        cli.setExitCodeExceptionMapper(
                e ->
                        e instanceof CliException
                                ? ((CliException) e).exitCode()
                                : e instanceof CommandLine.ParameterException
                                        ? EXIT_USAGE
                                        : EXIT_FAILURE);
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + e.getMessage());
                    return commandLine.getExitCodeExceptionMapper().getExitCode(e);
                });
        return cli;
    }

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpamGptCli.class.getPackage().getImplementationVersion();
            return new String[] {"spamgpt-trainer " + (v == null ? "dev" : v)};
        }
    }
}
