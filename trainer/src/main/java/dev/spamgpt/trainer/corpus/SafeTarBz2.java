package dev.spamgpt.trainer.corpus;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Extracts a {@code .tar.bz2} archive that is not trusted. Only folders and regular files are
 * written; the archive is refused as a whole, with the entry and the reason, when an entry has an
 * absolute path, a {@code ..} segment or a backslash, is a symbolic or hard link or a device, or
 * when the files pass a count or a total size (a bzip2 bomb expands 10 MB to gigabytes). Sizes are
 * counted on the bytes actually decompressed, not on what the headers claim.
 *
 * <p>The caller gives an empty folder and deletes it if this throws, so nothing half-extracted is
 * ever used.
 */
final class SafeTarBz2 {

    private static final int BUFFER = 1 << 16;

    private final int maxFiles;
    private final long maxBytes;

    SafeTarBz2(int maxFiles, long maxBytes) {
        if (maxFiles < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("limits must be >= 1");
        }
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
    }

    /** What was written. */
    record Extracted(int files, long bytes) {}

    /**
     * Extracts an archive into a folder.
     *
     * @param archive the {@code .tar.bz2} file
     * @param into an empty folder
     * @return how many files and bytes were written
     * @throws IOException naming the archive and the entry when it is refused or broken
     */
    Extracted extract(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        int files = 0;
        long bytes = 0;
        String entryName = null;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), BUFFER);
                BZip2CompressorInputStream bz = new BZip2CompressorInputStream(raw, true);
                TarArchiveInputStream tar = new TarArchiveInputStream(bz)) {
            TarArchiveEntry entry;
            byte[] buffer = new byte[BUFFER];
            while ((entry = tar.getNextEntry()) != null) {
                entryName = entry.getName();
                Path target = safeTarget(archive, root, entryName);
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw refused(
                            archive,
                            entryName,
                            "is a link (to " + shown(entry.getLinkName()) + ")");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                if (!entry.isFile()) {
                    throw refused(archive, entryName, "is not a regular file or a folder");
                }
                if (++files > maxFiles) {
                    throw refused(archive, entryName, "passes the limit of " + maxFiles + " files");
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out =
                        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = tar.read(buffer)) != -1) {
                        bytes += n;
                        if (bytes > maxBytes) {
                            throw refused(
                                    archive,
                                    entryName,
                                    "passes the limit of " + maxBytes + " bytes in all");
                        }
                        out.write(buffer, 0, n);
                    }
                } catch (FileAlreadyExistsException e) {
                    throw refused(archive, entryName, "appears twice in the archive");
                }
            }
        } catch (RefusedEntryException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // commons-compress reports a truncated or foreign stream as an IOException (or, for
            // some corrupt headers, an IllegalArgumentException): name the file and what was read.
            throw new IOException(
                    archive.getFileName()
                            + " is not a complete .tar.bz2 archive"
                            + (entryName == null
                                    ? ""
                                    : " (broken at entry " + shown(entryName) + ")")
                            + ": "
                            + e.getMessage(),
                    e);
        }
        if (files == 0) {
            throw new IOException(archive.getFileName() + " holds no files");
        }
        return new Extracted(files, bytes);
    }

    /** Resolves an entry name inside the root, or refuses it. */
    private static Path safeTarget(Path archive, Path root, String name)
            throws RefusedEntryException {
        String lower = name.toLowerCase(Locale.ROOT);
        if (name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.indexOf('\0') >= 0
                || lower.length() > 1 && lower.charAt(1) == ':') {
            throw refused(archive, name, "has an absolute or foreign path");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw refused(archive, name, "leaves the target folder (..)");
            }
        }
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw refused(archive, name, "leaves the target folder");
        }
        return target;
    }

    private static RefusedEntryException refused(Path archive, String entry, String why) {
        return new RefusedEntryException(
                archive.getFileName()
                        + ": refused entry '"
                        + shown(entry)
                        + "': it "
                        + why
                        + "; nothing was extracted");
    }

    /** An entry name as it can be shown: control characters replaced, at most 120 characters. */
    private static String shown(String entry) {
        String clean = entry.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 120 ? clean.substring(0, 117) + "..." : clean;
    }

    /** An entry that is not extracted, so the whole archive is refused. */
    static final class RefusedEntryException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedEntryException(String message) {
            super(message);
        }
    }
}
