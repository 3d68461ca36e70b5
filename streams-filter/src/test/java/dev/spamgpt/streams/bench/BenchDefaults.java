package dev.spamgpt.streams.bench;

import picocli.CommandLine;

/** Defaults in which the benchmarks differ from the filter. */
final class BenchDefaults {

    /**
     * 120 tokens per text, as in a trained bundle. The benchmarks' random bundles allow the model's
     * whole context, which would let the few long SMS texts cost far more than in use.
     */
    static final CommandLine.IDefaultValueProvider MAX_TOKENS_120 =
            arg ->
                    arg instanceof CommandLine.Model.OptionSpec option
                                    && option.longestName().equals("--max-tokens")
                            ? "120"
                            : null;

    private BenchDefaults() {}
}
