package dev.spamgpt.streams.config;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Command-line options (a picocli Mixin): the /metrics and /health server, and how long a shutdown
 * may take.
 */
public final class ServerFlags {

    @Option(
            names = "--http-host",
            paramLabel = "HOST",
            defaultValue = "0.0.0.0",
            description =
                    "Address of the /metrics and /health server. All interfaces by default, so that"
                        + " Kubernetes probes (sent by the kubelet to the pod IP) and Prometheus"
                        + " reach it; use 127.0.0.1 where nothing outside the host needs it."
                        + " Default: ${DEFAULT-VALUE}.")
    String httpHost;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description =
                    "Port of the /metrics and /health server; 0 picks a free one, -1 turns it off."
                            + " Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(
            names = "--shutdown-timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long a graceful shutdown may take. Default: ${DEFAULT-VALUE}.")
    int shutdownTimeoutSeconds;

    /**
     * @return the server's address
     */
    public String httpHost() {
        return httpHost;
    }

    /**
     * @return the server's port: 0 picks a free one, a negative one turns the server off
     */
    public int httpPort() {
        return httpPort;
    }

    /**
     * @return how long a graceful shutdown may take
     */
    public Duration shutdownTimeout() {
        return Duration.ofSeconds(shutdownTimeoutSeconds);
    }
}
