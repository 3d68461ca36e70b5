package dev.spamgpt.streams.config;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Command-line options (a picocli Mixin): how the filter follows a new model without a restart, and
 * the shadow model that is scored beside the live one.
 */
public final class ModelFlags {

    /** The most the shadow may take, in units of the live model's time. */
    static final double MAX_SHADOW_SHARE = 10;

    @Option(
            names = "--reload-interval",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description =
                    "How often to check --model for a new bundle (a repository's current pointer,"
                            + " or the files of a bundle folder). A new bundle is loaded,"
                            + " verified and warmed up in the background, then swapped in between"
                            + " batches; one that fails leaves the old model serving. 0 checks"
                            + " only on POST /model/reload. Default: ${DEFAULT-VALUE}.")
    int reloadIntervalSeconds;

    @Option(
            names = "--allow-remote-reload",
            description =
                    "Answer POST /model/reload from any address; by default only from the same"
                            + " host (loopback), although /metrics and /health answer everyone.")
    boolean allowRemoteReload;

    @Option(
            names = "--shadow-model",
            paramLabel = "BUNDLE",
            description =
                    "A candidate bundle to score every record with as well, for evidence only:"
                            + " routing uses the live model. Agreement, flips, both score"
                            + " histograms and the shadow's latency go to /metrics"
                            + " (spamgpt_shadow_*).")
    Path shadowModel;

    @Option(
            names = "--shadow-share",
            paramLabel = "SHARE",
            defaultValue = "0.25",
            description =
                    "The most time the shadow may spend, as a share of the live model's time;"
                            + " batches beyond it are skipped for the shadow and counted"
                            + " (spamgpt_shadow_skipped_total). Default: ${DEFAULT-VALUE}.")
    double shadowShare;

    @Option(
            names = "--shadow-header",
            description =
                    "Add spam.shadow.score to each record whose shadow score is ready within"
                            + " --shadow-share of the live call's time (the live path waits that"
                            + " long at most).")
    boolean shadowHeader;

    /**
     * @return the poll interval; zero checks only on request
     * @throws IllegalArgumentException when negative
     */
    public Duration reloadInterval() {
        if (reloadIntervalSeconds < 0) {
            throw new IllegalArgumentException(
                    "--reload-interval must be 0 or more seconds, got " + reloadIntervalSeconds);
        }
        return Duration.ofSeconds(reloadIntervalSeconds);
    }

    /**
     * @return whether POST /model/reload is answered from other hosts
     */
    public boolean allowRemoteReload() {
        return allowRemoteReload;
    }

    /**
     * @return the shadow bundle, or null
     */
    public Path shadowModel() {
        return shadowModel;
    }

    /**
     * @return the shadow's share of the live model's time
     * @throws IllegalArgumentException when out of (0, 10]
     */
    public double shadowShare() {
        if (!(shadowShare > 0 && shadowShare <= MAX_SHADOW_SHARE)) {
            throw new IllegalArgumentException(
                    "--shadow-share must be in (0, " + MAX_SHADOW_SHARE + "], got " + shadowShare);
        }
        return shadowShare;
    }

    /**
     * @return whether records carry the shadow's score
     */
    public boolean shadowHeader() {
        return shadowHeader;
    }
}
