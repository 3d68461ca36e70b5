package dev.spamgpt.streams.config;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Command-line options (a picocli Mixin): how a record's text is read, its size limit, and the
 * micro-batches.
 */
public final class RecordFlags {

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description =
                    "text (UTF-8), json (text at --json-path) or email (raw RFC 822). Default:"
                            + " ${DEFAULT-VALUE}.")
    String valueFormat;

    @Option(
            names = "--json-path",
            paramLabel = "PATH",
            defaultValue = "$.text",
            description =
                    "Field holding the text, for --value-format json, e.g. $.body.text. Default:"
                            + " ${DEFAULT-VALUE}.")
    String jsonPath;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "BYTES",
            defaultValue = "1048576",
            description =
                    "Key, value and header bytes above which a record is dead-lettered (too-large)."
                            + " Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "64",
            description =
                    "Records scored per classifier call at most; 1 scores each record alone."
                            + " Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-wait-ms",
            paramLabel = "MS",
            defaultValue = "50",
            description = "Longest wait for a batch to fill. Default: ${DEFAULT-VALUE}.")
    long batchWaitMs;

    @Option(
            names = "--classifier-timeout-ms",
            paramLabel = "MS",
            defaultValue = "60000",
            description =
                    "Longest wait for one classifier call; its records are then dead-lettered"
                            + " (classifier-timeout). 0 waits for ever. Default: ${DEFAULT-VALUE}.")
    long classifierTimeoutMs;

    /**
     * Combines these options with the topics; {@link FilterConfig} checks them.
     *
     * @param topics the topics, already checked by {@link TopicFlags#requireAll()}
     * @return the topology's settings
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public FilterConfig filterConfig(TopicFlags topics) {
        return new FilterConfig(
                topics.inputTopic,
                topics.spamTopic,
                topics.hamTopic,
                topics.dlqTopic,
                ValueFormat.parse(valueFormat),
                jsonPath,
                maxRecordBytes,
                batchSize,
                Duration.ofMillis(batchWaitMs),
                Duration.ofMillis(classifierTimeoutMs));
    }
}
