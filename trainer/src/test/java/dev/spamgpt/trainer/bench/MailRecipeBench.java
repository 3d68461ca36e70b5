package dev.spamgpt.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.trainer.cli.SpamGptCli;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.mail.SyntheticMail;
import dev.spamgpt.trainer.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The from-scratch mail recipe against the lexical baseline on generated mail.
 *
 * <p>Training mail: {@link SyntheticMail} seed 12 with 1.5% of the labels flipped, the mistakes
 * users make; {@code prepare} splits it and {@code train --init random} prints its own
 * model-vs-baseline table on that split. Held-out mail: seed 99, half as many mails, no flipped
 * labels, never seen in training or tuning; {@code evaluate} scores the bundle on all of it and
 * fits the baseline on the same {@code train.csv}, both at the default threshold. Flipped labels in
 * a test set put a floor under the false-positive rate that neither side can go below, so the clean
 * set is the one that can tell them apart.
 *
 * <p>Explicit only: {@code ./mvnw -pl trainer -am test -Dtest=MailRecipeBench -Dspamgpt.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dspamgpt.bench.mails=N}, default 3000; {@code
 * -Dspamgpt.bench.train="--epochs 5 ..."} for the train flags, default the recipe; {@code
 * -Dspamgpt.bench.copy=P} for the share of phishing that copies real wording, default {@value
 * SyntheticMail#DEFAULT_COPY_SHARE}).
 */
class MailRecipeBench {

    @Test
    void recipeAgainstBaseline() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.bench"), "benchmark; run it with -Dspamgpt.bench=true");
        int mails = Integer.getInteger("spamgpt.bench.mails", 3000);
        int copy = Integer.getInteger("spamgpt.bench.copy", SyntheticMail.DEFAULT_COPY_SHARE);
        String flags = System.getProperty("spamgpt.bench.train", "--config tiny");
        Path work = Files.createTempDirectory("mail-recipe");
        Path prepared = work.resolve("prepared");
        new SyntheticMail(12, copy).write(work.resolve("mail"), mails, 0.015);
        var cli = SpamGptCli.commandLine();
        prepare(cli, work.resolve("mail"), prepared);
        List<String> train =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--data",
                                prepared.toString(),
                                "--out",
                                work.resolve("run").toString(),
                                "--init",
                                "random"));
        train.addAll(Arrays.asList(flags.trim().split("\\s+")));
        System.out.println("train flags: " + String.join(" ", train.subList(7, train.size())));
        assertEquals(SpamGptCli.EXIT_OK, cli.execute(train.toArray(String[]::new)));

        new SyntheticMail(99, copy).write(work.resolve("heldout-mail"), mails / 2, 0.0);
        Path heldoutPrepared = work.resolve("heldout-prepared");
        prepare(cli, work.resolve("heldout-mail"), heldoutPrepared);
        // A held-out text that also occurs in the training mail would measure memory, not skill.
        Set<String> seen = new HashSet<>();
        all(prepared).forEach(row -> seen.add(row.text()));
        List<LabelledText> heldout = new ArrayList<>();
        int dropped = 0;
        for (LabelledText row : all(heldoutPrepared)) {
            if (seen.contains(row.text())) {
                dropped++;
            } else {
                heldout.add(row);
            }
        }
        Path heldoutCsv = work.resolve("heldout.csv");
        DatasetCsv.write(heldoutCsv, heldout);
        System.out.printf(
                "held-out mail (seed 99, no flipped labels): %d, %d more dropped as already in"
                        + " the training mail%n",
                heldout.size(), dropped);
        assertEquals(
                SpamGptCli.EXIT_OK,
                cli.execute(
                        "evaluate",
                        "--model",
                        work.resolve("run").resolve(TrainingRun.BUNDLE).toString(),
                        "--data",
                        heldoutCsv.toString(),
                        "--baseline-train",
                        prepared.resolve("train.csv").toString()));
        System.out.println("work folder: " + work);
    }

    private static List<LabelledText> all(Path prepared) throws java.io.IOException {
        List<LabelledText> rows = new ArrayList<>();
        for (String split : List.of("train.csv", "validation.csv", "test.csv")) {
            rows.addAll(DatasetCsv.read(prepared.resolve(split)));
        }
        return rows;
    }

    private static void prepare(picocli.CommandLine cli, Path mail, Path out) {
        assertEquals(
                SpamGptCli.EXIT_OK,
                cli.execute("prepare", "--data", mail.toString(), "--out", out.toString()));
    }
}
