package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClassifyCommandTest extends WithTrainedBundle {

    @Test
    void classifyShouldPrintLabelProbabilityAndTextPerArgument() {
        CliRun run =
                CliRun.of(
                        "classify",
                        "--model",
                        trained.bundle.toString(),
                        "URGENT! claim your cash reward. WIN a FREE prize now 12",
                        "see you at lunch 5");

        assertThat(run.code).as(run.toString()).isZero();
        String[] lines = run.out.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0])
                .matches(
                        "spam\t0\\.\\d{4}\tURGENT! claim your cash reward\\. WIN a FREE prize now"
                                + " 12|spam\t1\\.0000\tURGENT!.*");
        assertThat(lines[1]).matches("ham\t0\\.\\d{4}\tsee you at lunch 5");
    }

    @Test
    void explainShouldListSpansThatAreInTheTextWithTheirContributions() throws IOException {
        String text = "URGENT! claim your cash reward. WIN a FREE prize now 12";
        CliRun run =
                CliRun.of(
                        "classify",
                        "--model",
                        trained.bundle.toString(),
                        "--explain",
                        "--json",
                        text);
        assertThat(run.code).as(run.toString()).isZero();
        com.fasterxml.jackson.databind.JsonNode node =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out);
        com.fasterxml.jackson.databind.JsonNode e = node.get("explanation");
        assertThat(e.get("raising").size() + e.get("lowering").size()).isPositive();
        assertThat(e.get("raising").size()).isLessThanOrEqualTo(3);
        double previous = Double.MAX_VALUE;
        for (com.fasterxml.jackson.databind.JsonNode span : e.get("raising")) {
            assertThat(text.substring(span.get("start").asInt(), span.get("end").asInt()))
                    .isEqualTo(span.get("text").asText());
            assertThat(span.get("contribution").asDouble()).isPositive();
            previous = span.get("contribution").asDouble();
        }
        for (com.fasterxml.jackson.databind.JsonNode span : e.get("lowering")) {
            assertThat(span.get("contribution").asDouble()).isNegative();
        }
        assertThat(previous).isPositive();

        CliRun table =
                CliRun.of("classify", "--model", trained.bundle.toString(), "--explain", text);
        assertThat(table.out.split("\n")[1]).matches("  [+-]\\d+\\.\\d{3}  \\S.*");
        CliRun bad =
                CliRun.of(
                        "classify",
                        "--model",
                        trained.bundle.toString(),
                        "--explain-top",
                        "0",
                        text);
        assertThat(bad.code).isEqualTo(SpamGptCli.EXIT_USAGE);
    }

    @Test
    void classifyShouldReadOneMessagePerStdinLine() throws IOException {
        CliRun run =
                CliRun.withStdin(
                        "FREE ringtone reply YES 3\r\n\nthanks for the photos 9\n",
                        "classify",
                        "--json",
                        "--model",
                        trained.bundle.toString());

        assertThat(run.code).as(run.toString()).isZero();
        String[] lines = run.out.split("\n");
        assertThat(lines).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines[0]);
        assertThat(first.get("text").asText()).isEqualTo("FREE ringtone reply YES 3");
        assertThat(first.get("label").asText()).isEqualTo("spam");
        assertThat(first.get("threshold").asDouble()).isEqualTo(0.5);
        assertThat(first.get("model").asText()).startsWith("spamgpt:");
        assertThat(json.readTree(lines[1]).get("text").asText()).isEmpty();
        assertThat(json.readTree(lines[2]).get("label").asText()).isEqualTo("ham");
    }

    @Test
    void thresholdShouldOverrideTheBundles() {
        CliRun all =
                CliRun.of(
                        "classify",
                        "--threshold",
                        "0",
                        "--model",
                        trained.bundle.toString(),
                        "see you at lunch 5");
        assertThat(all.out).startsWith("spam\t");
        CliRun bad =
                CliRun.of(
                        "classify", "--threshold", "2", "--model", trained.bundle.toString(), "x");
        assertThat(bad.code).isEqualTo(SpamGptCli.EXIT_USAGE);
    }

    @Test
    void longLinesShouldBeCutNotBuffered() throws IOException {
        String huge = "a".repeat(ClassifyCommand.MAX_LINE_CHARS + 10) + "\nnext\n";
        BufferedReader in = new BufferedReader(new StringReader(huge));
        assertThat(ClassifyCommand.readLine(in)).hasSize(ClassifyCommand.MAX_LINE_CHARS);
        assertThat(ClassifyCommand.readLine(in)).isEqualTo("next");
        assertThat(ClassifyCommand.readLine(in)).isNull();
    }

    @Test
    void classifyShouldRefuseAMissingOrChangedBundle() throws IOException {
        CliRun missing = CliRun.of("classify", "--model", dir.resolve("nope").toString(), "hi");
        assertThat(missing.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(missing.err).contains("does not exist");

        Path changed = trained.copy(dir.resolve("changed"));
        Files.writeString(changed.resolve("config.json"), "{}");
        CliRun corrupt = CliRun.of("classify", "--model", changed.toString(), "hi");
        assertThat(corrupt.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
        assertThat(corrupt.err).contains("config.json", "corrupt");
    }
}
