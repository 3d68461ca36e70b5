package dev.spamgpt.trainer.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.model.Gpt2Model;
import dev.spamgpt.core.tokenizer.Gpt2Tokenizer;
import dev.spamgpt.core.util.Djl;
import dev.spamgpt.trainer.generate.TextGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Continues a prompt with the base GPT-2: the check, as in the book before fine-tuning, that the
 * downloaded weights load and produce sensible text.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        header = "Continue a prompt with the base GPT-2 (checks that the weights load).",
        description =
                "Loads the base model, encodes the prompt with the GPT-2 tokenizer and adds tokens"
                    + " one at a time: greedy by default, sampled with --temperature (and --top-k)"
                    + " otherwise. Prints the prompt followed by its continuation; with --json, one"
                    + " object {\"prompt\", \"prompt_ids\", \"generated_ids\", \"text\"} where text"
                    + " is the continuation alone.")
final class GenerateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Mixin BaseModelOptions base;

    @Option(names = "--prompt", required = true, description = "The text to continue.")
    String prompt;

    @Option(
            names = "--max-new-tokens",
            defaultValue = "20",
            paramLabel = "N",
            description = "How many tokens to add (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(
            names = "--temperature",
            defaultValue = "0",
            paramLabel = "T",
            description =
                    "0 for greedy decoding (default); above 0 samples from softmax(logits / T).")
    float temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            paramLabel = "K",
            description = "When sampling, keep only the K most likely tokens (default: 0 = all).")
    int topK;

    @Option(
            names = "--seed",
            defaultValue = "123",
            paramLabel = "N",
            description = "Seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of the text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (maxNewTokens < 0 || maxNewTokens > 100_000) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE,
                    "--max-new-tokens must be between 0 and 100000, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new CliException(
                    SpamGptCli.EXIT_USAGE, "--temperature must be 0 or more, got " + temperature);
        }
        if (topK < 0) {
            throw new CliException(SpamGptCli.EXIT_USAGE, "--top-k must be 0 or more, got " + topK);
        }
        Path folder = base.resolve();
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.get();
        int[] promptIds = tokenizer.encode(prompt);
        int[] generated;
        try (NDManager manager = Djl.engine().newBaseManager()) {
            Gpt2Model model;
            try {
                model = HfCheckpoint.load(folder, manager);
            } catch (IOException e) {
                throw new CliException(
                        SpamGptCli.EXIT_FAILURE,
                        "cannot load the base model: " + e.getMessage(),
                        e);
            }
            TextGenerator.Sampling sampling =
                    temperature == 0
                            ? TextGenerator.Sampling.greedy()
                            : TextGenerator.Sampling.of(temperature, topK, seed);
            generated = new TextGenerator(model).generate(promptIds, maxNewTokens, sampling);
        }
        String continuation = tokenizer.decode(generated);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode().put("prompt", prompt);
            putIds(node, "prompt_ids", promptIds);
            putIds(node, "generated_ids", generated);
            node.put("text", continuation);
            out.println(JSON.writeValueAsString(node));
        } else {
            out.println(prompt + continuation);
        }
        out.flush();
        return SpamGptCli.EXIT_OK;
    }

    private static void putIds(ObjectNode node, String field, int[] ids) {
        var array = node.putArray(field);
        for (int id : ids) {
            array.add(id);
        }
    }
}
