package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spamgpt.core.testing.SharedData;
import dev.spamgpt.trainer.baseline.LexicalBaseline;
import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline on the real SMS Spam Collection as {@code prepare} splits it (balanced, seeded);
 * prints its figures. Run by hand: {@code ./mvnw -B -ntp verify -pl trainer -am
 * -Dtest=SmsBaselineMeasure -Dspamgpt.acceptance=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SmsBaselineMeasure {

    @TempDir Path dir;

    @Test
    void baselineOnTheSmsCollection() throws Exception {
        assumeTrue(
                Boolean.getBoolean("spamgpt.acceptance"), "enable with -Dspamgpt.acceptance=true");
        Path sms = SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
        assumeTrue(sms != null, SharedData.notFound(SharedData.SMS_COLLECTION));
        String[] args = System.getProperty("spamgpt.prepare", "").split(" ");
        CliRun prepare =
                args[0].isEmpty() ? CliRun.prepare(sms, dir) : CliRun.prepare(sms, dir, args);
        assertThat(prepare.code).as(prepare.toString()).isZero();
        List<LabelledText> train = DatasetCsv.read(dir.resolve("train.csv"));

        LexicalBaseline baseline = LexicalBaseline.fit(train, LexicalBaseline.DEFAULT_SEED);
        BinaryMetrics validation =
                baseline.measure(DatasetCsv.read(dir.resolve("validation.csv")), 0.5);
        BinaryMetrics test = baseline.measure(DatasetCsv.read(dir.resolve("test.csv")), 0.5);

        System.out.printf(
                "SMS baseline: %d train texts, %d terms, fit %.2f s%n%s%n%s%n",
                train.size(),
                baseline.vocabularySize(),
                baseline.fitSeconds(),
                validation.describe("validation"),
                test.describe("test"));
        assertThat(test.accuracy()).isGreaterThan(0.9);
    }
}
