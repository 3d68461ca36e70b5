package dev.spamgpt.trainer.cli;

import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.repository.ModelRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Points a model repository back at the model that was in service before the current one. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        header = "Put the previous model of a repository back in service.",
        description = {
            "Replays REPOSITORY/history.jsonl as a stack (a promotion pushes, a rollback pops) and"
                    + " points REPOSITORY/current at the model below the top, atomically; a second"
                    + " rollback goes one further back. The bundle is verified first, and the"
                    + " rollback is recorded in the history."
        })
final class RollbackCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--repository",
            required = true,
            paramLabel = "DIR",
            description = "The model repository.")
    Path repository;

    @Option(
            names = "--by",
            paramLabel = "NAME",
            description = "Who rolls back, for the history (default: the user name).")
    String by;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ModelRepository repo = ModelRepository.at(repository);
        if (!ModelRepository.isRepository(repo.root())) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    repository + " is not a model repository (no current pointer, no history)");
        }
        String from;
        Optional<String> to;
        try {
            from = repo.currentRef().orElse(null);
            to = repo.rollbackTarget();
            if (to.isEmpty()) {
                throw new CliException(
                        SpamGptCli.EXIT_FAILURE,
                        "nothing to roll back to: "
                                + (from == null ? "no model" : from)
                                + " is the only model the history has put in service");
            }
            ModelBundle.read(repo.folderOf(to.get()));
        } catch (BundleException e) {
            throw new CliException(SpamGptCli.EXIT_FAILURE, e.getMessage(), e);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("action", "rollback");
        entry.put("by", by != null ? by : System.getProperty("user.name", "unknown"));
        repo.point(to.get(), entry);
        out.println("Rolled back: " + to.get() + " is current again (was " + from + ").");
        out.flush();
        return SpamGptCli.EXIT_OK;
    }
}
