package dev.spamgpt.core.util;

import java.nio.file.Path;
import java.util.UUID;

/** Names for the temporary files that atomic writes rename into place. */
public final class TempFiles {

    private TempFiles() {}

    /**
     * Returns a fresh, not yet existing path next to {@code target}. Unlike {@code
     * Files.createTempFile}, which creates owner-only (0600) files, the file that the caller
     * creates there gets the usual permissions, so a bundle stays readable by the container user
     * that mounts it.
     *
     * @param target the file that the temporary file will replace
     * @return {@code <target>.<random>.tmp} in the same folder
     */
    public static Path sibling(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }
}
