package dev.spamgpt.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The read-only {@code shared} folder beside the checkout (the SMS Spam Collection and other data
 * that is not committed), found by one rule for every module's tests and benchmarks: the system
 * property {@value #PROPERTY}, which the build sets, else the folder named {@code shared} next to
 * the checkout, found by walking up from the working directory to the root {@code pom.xml}.
 */
public final class SharedData {

    /** The system property naming the shared folder. */
    public static final String PROPERTY = "spamgpt.shared.dir";

    /** The UCI SMS Spam Collection inside the shared folder. */
    public static final String SMS_COLLECTION = "data/sms-spam-collection/SMSSpamCollection";

    private SharedData() {}

    /**
     * Returns the shared folder.
     *
     * @return an absolute path to an existing folder
     * @throws IllegalStateException naming where it looked, when there is no such folder
     */
    public static Path dir() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            Path dir = Path.of(property).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException(
                        "the shared folder "
                                + dir
                                + " (system property "
                                + PROPERTY
                                + ") does not exist");
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath();
        Path root = checkoutRoot(start);
        if (root == null || root.getParent() == null) {
            throw new IllegalStateException(
                    "no pom.xml in "
                            + start
                            + " or above, so no checkout to find the"
                            + " shared folder beside; set -D"
                            + PROPERTY
                            + "=DIR");
        }
        Path dir = root.getParent().resolve("shared");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(
                    "no shared folder at "
                            + dir
                            + " beside the checkout "
                            + root
                            + "; put it there or set -D"
                            + PROPERTY
                            + "=DIR");
        }
        return dir;
    }

    /**
     * Finds a file in the shared folder, for tests that skip or fall back without it.
     *
     * @param relative the file's path inside the shared folder, such as {@link #SMS_COLLECTION}
     * @return the file, or empty when the shared folder or the file is not there
     */
    public static Optional<Path> find(String relative) {
        try {
            Path file = dir().resolve(relative);
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Says why {@link #find} found nothing, for a skipped test's message.
     *
     * @param relative the file's path inside the shared folder
     * @return a sentence naming the place looked at and how to point elsewhere
     */
    public static String notFound(String relative) {
        try {
            return relative
                    + " is not in the shared folder "
                    + dir()
                    + " (set -D"
                    + PROPERTY
                    + " to the folder holding it)";
        } catch (IllegalStateException e) {
            return relative + " not found: " + e.getMessage();
        }
    }

    /**
     * The root of the checkout: from start upwards, the first folder holding a pom.xml, then its
     * parents for as long as they hold one too (a module's pom sits below the root pom).
     */
    static Path checkoutRoot(Path start) {
        Path dir = start;
        while (dir != null && !Files.isRegularFile(dir.resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        while (dir != null
                && dir.getParent() != null
                && Files.isRegularFile(dir.getParent().resolve("pom.xml"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
