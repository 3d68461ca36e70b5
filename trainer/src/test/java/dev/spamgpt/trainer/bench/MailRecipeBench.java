package dev.spamgpt.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.trainer.cli.SpamGptCli;
import dev.spamgpt.trainer.mail.SyntheticMail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The from-scratch mail recipe against the lexical baseline on generated mail: writes {@link
 * SyntheticMail} (seed 12, 1.5% flipped labels), runs {@code prepare} and {@code train --init
 * random} on it, and lets {@code train} print its own model-vs-baseline table (both on the same
 * split). Explicit only: {@code ./mvnw -pl trainer -am test -Dtest=MailRecipeBench
 * -Dspamgpt.bench=true -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dspamgpt.bench.mails=N},
 * default 3000; {@code -Dspamgpt.bench.train="--epochs 5 ..."} for the train flags, default the
 * recipe).
 */
class MailRecipeBench {

    @Test
    void recipeAgainstBaseline() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.bench"), "benchmark; run it with -Dspamgpt.bench=true");
        int mails = Integer.getInteger("spamgpt.bench.mails", 3000);
        String flags = System.getProperty("spamgpt.bench.train", "--config tiny");
        Path work = Files.createTempDirectory("mail-recipe");
        Path mail = work.resolve("mail");
        Path prepared = work.resolve("prepared");
        new SyntheticMail(12).write(mail, mails, 0.015);
        var cli = SpamGptCli.commandLine();
        assertEquals(
                SpamGptCli.EXIT_OK,
                cli.execute("prepare", "--data", mail.toString(), "--out", prepared.toString()));
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
        System.out.println("work folder: " + work);
    }
}
