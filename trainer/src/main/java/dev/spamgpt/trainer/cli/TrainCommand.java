package dev.spamgpt.trainer.cli;

import dev.spamgpt.core.inference.Pooling;
import dev.spamgpt.core.model.GptConfig;
import dev.spamgpt.trainer.train.TrainOptions;
import dev.spamgpt.trainer.train.TrainableLayers;
import dev.spamgpt.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Fine-tunes GPT-2 as a spam classifier, as in chapter 6 of the book, and exports the bundle. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        header = "Fine-tune GPT-2 on the prepared data and export the model bundle.",
        description = {
            "Reads train.csv, validation.csv and test.csv from --data (written by 'prepare'), puts"
                + " a new 2-output head on GPT-2, trains with AdamW and writes to --out: bundle/"
                + " (what the streams filter and the mailet load), metrics.json and training.png.",
            "Defaults follow the book: the last block, ln_f and the head train; lr 5e-5, weight"
                    + " decay 0.1, 5 epochs, batch 8, seed 123, evaluation every 50 steps on 5"
                    + " batches.",
            "--init random --config tiny trains a small GPT-2 from scratch, for machines without"
                    + " the pretrained weights; it trains all weights with lr 1e-3 unless told"
                    + " otherwise."
        })
final class TrainCommand implements Callable<Integer> {

    /** The learning rate of the book (pretrained GPT-2, top block). */
    static final double BOOK_LR = 5e-5;

    /** A from-scratch model learns nothing in 650 steps at the book's rate; this one converges. */
    static final double RANDOM_INIT_LR = 1e-3;

    @Spec CommandSpec spec;

    @Mixin BaseModelOptions base;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "work/data",
            description =
                    "Folder with train.csv, validation.csv and test.csv (default:"
                            + " ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "work/run",
            description =
                    "Where bundle/, metrics.json and training.png go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--init",
            paramLabel = "pretrained|random",
            defaultValue = "pretrained",
            description = "Start from --base-model (default) or from random weights of --config.")
    String init;

    @Option(
            names = "--config",
            paramLabel = "PRESET",
            defaultValue = "tiny",
            description =
                    "Architecture for --init random: tiny, gpt2-small, gpt2-medium, gpt2-large,"
                            + " gpt2-xl (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(
            names = "--trainable",
            arity = "1..2",
            paramLabel = "WHICH",
            description =
                    "last-block (default; last block + ln_f + head), last-layer (head only),"
                            + " last-n-blocks N (last N blocks + ln_f + head) or all (default with"
                            + " --init random).")
    List<String> trainable;

    @Option(
            names = "--pooling",
            paramLabel = "last-token|book",
            defaultValue = "last-token",
            description =
                    "last-token (default): pad each batch to its longest text and read each text's"
                        + " last real token. book: pad everything to one length with 50256 and read"
                        + " the last position, as the book does.")
    String pooling;

    // --max-length is the name the trainer had first; scripts keep using it.
    @Option(
            names = {"--max-tokens", "--max-length"},
            paramLabel = "TOKENS",
            defaultValue = "0",
            description =
                    "Keep at most this many tokens per text (default: the model's context for"
                        + " last-token pooling, the longest training example for book pooling).")
    int maxTokens;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            defaultValue = "5",
            description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "8",
            description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            description = "AdamW learning rate (default: 5e-5; 1e-3 with --init random).")
    Double lr;

    @Option(
            names = "--weight-decay",
            paramLabel = "W",
            defaultValue = "0.1",
            description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "123",
            description =
                    "Seeds the head, random init and the shuffles (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(
            names = "--eval-freq",
            paramLabel = "STEPS",
            defaultValue = "50",
            description = "Evaluate every this many steps (default: ${DEFAULT-VALUE}).")
    int evalFreq;

    @Option(
            names = "--eval-iter",
            paramLabel = "BATCHES",
            defaultValue = "5",
            description = "Batches of each split per evaluation (default: ${DEFAULT-VALUE}).")
    int evalIter;

    @Option(
            names = "--dropout",
            paramLabel = "RATE",
            defaultValue = "0",
            description =
                    "Dropout while training; the book fine-tunes with 0 (default), which also"
                            + " allows the frozen-layer cache.")
    float dropout;

    @Option(
            names = "--no-cache",
            description =
                    "Run the frozen lower layers at every step instead of caching their output.")
    boolean noCache;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            defaultValue = "spamgpt",
            description =
                    "The bundle's id, shown in headers and metrics (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Override
    public Integer call() throws IOException {
        PrintStream log =
                new PrintStream(
                        new WriterOutputStream(spec.commandLine().getOut()),
                        true,
                        StandardCharsets.UTF_8);
        TrainingRun.Settings settings = settings(log);
        OpenMp.preferPassiveWaiting();
        try {
            // The command's work is the files it writes; the model in memory is not needed after.
            TrainingRun.run(settings, log, System.console() != null).close();
            return SpamGptCli.EXIT_OK;
        } catch (IllegalArgumentException e) {
            throw new CliException(SpamGptCli.EXIT_USAGE, e.getMessage(), e);
        } finally {
            log.flush();
        }
    }

    private TrainingRun.Settings settings(PrintStream log) {
        boolean random;
        switch (init.toLowerCase(Locale.ROOT)) {
            case "random" -> random = true;
            case "pretrained" -> random = false;
            default -> throw usage("--init must be pretrained or random, got '" + init + "'");
        }
        GptConfig preset = null;
        if (random) {
            try {
                preset = GptConfig.preset(config);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        TrainableLayers layers;
        if (trainable == null) {
            layers = random ? TrainableLayers.EVERYTHING : TrainableLayers.LAST_BLOCK;
            if (random) {
                log.println(
                        "--trainable all: the default with --init random (random lower layers are"
                                + " not worth freezing)");
            }
        } else {
            try {
                layers = TrainableLayers.parse(trainable);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        double rate = lr != null ? lr : random ? RANDOM_INIT_LR : BOOK_LR;
        if (lr == null && random) {
            log.println(
                    "--lr "
                            + RANDOM_INIT_LR
                            + ": the default with --init random (the book's 5e-5 suits"
                            + " pretrained weights)");
        }
        Pooling pool;
        try {
            pool = Pooling.of(pooling);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (maxTokens < 0) {
            throw usage("--max-tokens must be positive, got " + maxTokens);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw usage("--dropout must be in [0, 1), got " + dropout);
        }
        TrainOptions options;
        try {
            options =
                    new TrainOptions(
                            epochs, batchSize, rate, weightDecay, seed, evalFreq, evalIter);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Path folder = random ? null : base.resolve();
        return new TrainingRun.Settings(
                data,
                out,
                random ? null : base.baseModel(),
                folder,
                preset,
                layers,
                pool,
                maxTokens,
                options,
                !noCache,
                dropout,
                modelId);
    }

    private static CliException usage(String message) {
        return new CliException(SpamGptCli.EXIT_USAGE, message);
    }
}
