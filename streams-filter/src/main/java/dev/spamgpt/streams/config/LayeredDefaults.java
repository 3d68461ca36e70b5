package dev.spamgpt.streams.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Supplies option values that are not on the command line, so that the precedence is
 * <b>command-line flag &gt; environment variable &gt; properties file &gt; built-in default</b>.
 *
 * <p>For an option {@code --input-topic} the environment variable is {@code SPAMGPT_INPUT_TOPIC}
 * and the properties-file key is {@code input.topic}. Raw Kafka settings use the prefix {@code
 * kafka.} in the file ({@code kafka.security.protocol=SASL_SSL}) and {@code SPAMGPT_KAFKA_} in the
 * environment ({@code SPAMGPT_KAFKA_SECURITY_PROTOCOL}); see {@link #kafkaOverrides}.
 */
public final class LayeredDefaults implements CommandLine.IDefaultValueProvider {

    /** Prefix of every environment variable the filter reads. */
    public static final String ENV_PREFIX = "SPAMGPT_";

    /** Prefix of raw Kafka settings in the file; the environment form is {@code SPAMGPT_KAFKA_}. */
    public static final String KAFKA_PREFIX = "kafka.";

    private final Map<String, String> env;
    private final Properties file;

    /**
     * @param env the environment (normally {@code System.getenv()})
     * @param file the properties file's entries, empty when there is none
     */
    public LayeredDefaults(Map<String, String> env, Properties file) {
        this.env = Map.copyOf(env);
        this.file = file;
    }

    /**
     * Reads a properties file (UTF-8).
     *
     * @param path the file
     * @return its entries
     * @throws IllegalArgumentException when the file cannot be read
     */
    public static Properties load(Path path) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read config file " + path + ": " + e.getMessage(), e);
        }
        return props;
    }

    /**
     * Finds the config file named by {@code --config-file} (or {@code --config-file=...}) in the
     * arguments, else by {@code SPAMGPT_CONFIG_FILE}. Needed before parsing, because the file
     * supplies defaults for the parse.
     *
     * @param args the command line
     * @param env the environment
     * @return the path, or null
     */
    public static Path configFile(String[] args, Map<String, String> env) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config-file=")) {
                return Path.of(args[i].substring("--config-file=".length()));
            }
        }
        String fromEnv = env.get(ENV_PREFIX + "CONFIG_FILE");
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option)
                || option.longestName().equals("--config-file")
                || option.isMultiValue()) {
            return null;
        }
        String name = option.longestName().replaceFirst("^--", "");
        String fromEnv = env.get(envName(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        return file.getProperty(fileKey(name));
    }

    /**
     * Collects raw Kafka settings from the file and the environment, then the command line's {@code
     * --kafka-config} entries, each later layer winning per key.
     *
     * @param fromCommandLine the {@code --kafka-config} entries
     * @return the merged settings
     */
    public Map<String, String> kafkaOverrides(Map<String, String> fromCommandLine) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith(KAFKA_PREFIX)) {
                merged.put(key.substring(KAFKA_PREFIX.length()), file.getProperty(key));
            }
        }
        String envPrefix = ENV_PREFIX + "KAFKA_";
        env.forEach(
                (name, value) -> {
                    if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
                        merged.put(
                                name.substring(envPrefix.length())
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', '.'),
                                value);
                    }
                });
        if (fromCommandLine != null) {
            merged.putAll(fromCommandLine);
        }
        return merged;
    }

    /**
     * Checks that a required option has a value from some layer.
     *
     * @param value the option's value
     * @param option the option, such as {@code --input-topic}
     * @throws IllegalArgumentException when it is missing or blank, naming each place it can be set
     */
    public static void require(Object value, String option) {
        if (value == null || value.toString().isBlank()) {
            String name = option.replaceFirst("^--", "");
            throw new IllegalArgumentException(
                    "missing "
                            + option
                            + " (or "
                            + envName(name)
                            + ", or "
                            + fileKey(name)
                            + " in the --config-file)");
        }
    }

    /** {@code input-topic} becomes {@code SPAMGPT_INPUT_TOPIC}. */
    static String envName(String optionName) {
        return ENV_PREFIX + optionName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code input-topic} becomes {@code input.topic}. */
    static String fileKey(String optionName) {
        return optionName.replace('-', '.');
    }
}
