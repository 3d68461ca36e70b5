package dev.spamgpt.streams.config;

import dev.spamgpt.core.util.Sha256;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;

/**
 * The Kafka {@code group.instance.id} that makes an instance a static member of its group: after a
 * restart with the same id, the broker hands it its partitions back at once instead of waiting for
 * the dead member's session to expire (45 s by default). The price: when an instance really dies,
 * its partitions wait that session timeout before another instance takes them.
 *
 * <p>{@code auto} derives an id that survives a restart and differs between instances: the
 * application id, the pod or host name ({@code POD_NAME}, else {@code HOSTNAME}, else the local
 * host name) and a hash of the state directory, which Kafka Streams requires to be unique per
 * instance on one machine anyway. {@code none} turns static membership off.
 */
public final class StaticMembership {

    /** The flag value that derives an id. */
    public static final String AUTO = "auto";

    /** The flag value that turns static membership off. */
    public static final String NONE = "none";

    /** Kafka Streams' default state directory, for the hash when none is given. */
    static final Path KAFKA_DEFAULT_STATE_DIR =
            Paths.get(System.getProperty("java.io.tmpdir"), "kafka-streams");

    private StaticMembership() {}

    /**
     * @param flag {@code auto}, {@code none} or an explicit id
     * @param applicationId the Streams application id
     * @param stateDir the state directory, or null for Kafka Streams' default
     * @param env the environment, for {@code POD_NAME} and {@code HOSTNAME}
     * @return the id, or null when static membership is off
     * @throws IllegalArgumentException for an explicit id Kafka would refuse
     */
    public static String instanceId(
            String flag, String applicationId, Path stateDir, Map<String, String> env) {
        if (flag == null || flag.equals(NONE)) {
            return null;
        }
        if (!flag.equals(AUTO)) {
            if (!flag.matches("[A-Za-z0-9._-]{1,200}")) {
                throw new IllegalArgumentException(
                        "--instance-id must be 1 to 200 letters, digits, '.', '_' or '-', got '"
                                + flag
                                + "'");
            }
            return flag;
        }
        String host = env.get("POD_NAME");
        if (host == null || host.isBlank()) {
            host = env.get("HOSTNAME");
        }
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        Path dir = (stateDir != null ? stateDir : KAFKA_DEFAULT_STATE_DIR).toAbsolutePath();
        String hash =
                Sha256.ofBytes(dir.normalize().toString().getBytes(StandardCharsets.UTF_8))
                        .substring(0, 8);
        String id = applicationId + "-" + host.toLowerCase(Locale.ROOT) + "-" + hash;
        id = id.replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= 200 ? id : id.substring(id.length() - 200);
    }
}
