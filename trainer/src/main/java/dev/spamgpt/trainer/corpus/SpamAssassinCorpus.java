package dev.spamgpt.trainer.corpus;

import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.download.HttpDownload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The SpamAssassin public mail corpus, downloaded from its site into a cache and extracted there:
 *
 * <pre>
 * &lt;cache&gt;/spamassassin/20030228_spam.tar.bz2          the archive as downloaded
 * &lt;cache&gt;/spamassassin/20030228_spam/spam/...        one mail per file, and cmds
 * &lt;cache&gt;/spamassassin/20030228_spam/extracted.properties
 * </pre>
 *
 * <p>Each archive is downloaded with {@link HttpDownload} (resumable, at most {@link
 * #DEFAULT_MAX_ARCHIVE_BYTES}), extracted with {@link SafeTarBz2} into a temporary folder, checked
 * (one top folder, a {@code cmds} file in it, nothing but files, the documented mail count) and
 * only then renamed into place with a marker that records the archive's SHA-256. A second run finds
 * the archive and the marker and downloads and extracts nothing. An archive that fails extraction
 * or a check is deleted with its temporary folder, so the next run downloads it again.
 */
public final class SpamAssassinCorpus {

    /** The site's folder of archives. */
    public static final String DEFAULT_BASE_URL =
            "https://spamassassin.apache.org/old/publiccorpus/";

    /** The largest archive accepted; the largest on the site is about 10 MB. */
    public static final long DEFAULT_MAX_ARCHIVE_BYTES = 64L << 20;

    /** The most files one archive may hold; the largest holds 2,501 (with cmds). */
    public static final int DEFAULT_MAX_FILES = 20_000;

    /** The most bytes one archive may expand to; the largest expands to about 20 MB. */
    public static final long DEFAULT_MAX_EXTRACTED_BYTES = 512L << 20;

    private static final String MARKER = "extracted.properties";

    private final Path dir;
    private final String baseUrl;
    private final List<SpamAssassinArchive> archives;
    private final boolean progress;
    private HttpDownload download;
    private long maxArchiveBytes = DEFAULT_MAX_ARCHIVE_BYTES;
    private SafeTarBz2 extractor = new SafeTarBz2(DEFAULT_MAX_FILES, DEFAULT_MAX_EXTRACTED_BYTES);

    /**
     * Describes a corpus download.
     *
     * @param cacheDir the cache folder; archives go to {@code cacheDir/spamassassin}, or null for
     *     {@link #defaultCacheDir()}
     * @param baseUrl the folder URL, or null for {@link #DEFAULT_BASE_URL}
     * @param archives the archives, or null for {@link SpamAssassinArchive#DEFAULTS}
     * @param progress whether to show download progress and status lines on standard error
     */
    public SpamAssassinCorpus(
            Path cacheDir, String baseUrl, List<SpamAssassinArchive> archives, boolean progress) {
        this.dir = (cacheDir == null ? defaultCacheDir() : cacheDir).resolve("spamassassin");
        String base = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        this.baseUrl = base.endsWith("/") ? base : base + "/";
        this.archives = List.copyOf(archives == null ? SpamAssassinArchive.DEFAULTS : archives);
        if (this.archives.isEmpty()) {
            throw new IllegalArgumentException("no archives given");
        }
        this.progress = progress;
        this.download = HttpDownload.create().withProgress(progress);
    }

    /**
     * @return {@code ~/.cache/spamgpt/datasets}
     */
    public static Path defaultCacheDir() {
        return Paths.get(System.getProperty("user.home"), ".cache", "spamgpt", "datasets");
    }

    /**
     * Uses another downloader, such as one with short timeouts.
     *
     * @param download the downloader
     * @return this
     */
    public SpamAssassinCorpus withDownload(HttpDownload download) {
        this.download = download;
        return this;
    }

    /**
     * Sets the bounds on what one archive may be.
     *
     * @param maxArchiveBytes the largest download
     * @param maxFiles the most files inside
     * @param maxExtractedBytes the most bytes once extracted
     * @return this
     */
    public SpamAssassinCorpus withLimits(
            long maxArchiveBytes, int maxFiles, long maxExtractedBytes) {
        if (maxArchiveBytes < 1) {
            throw new IllegalArgumentException("maxArchiveBytes must be >= 1");
        }
        this.maxArchiveBytes = maxArchiveBytes;
        this.extractor = new SafeTarBz2(maxFiles, maxExtractedBytes);
        return this;
    }

    /**
     * @return {@code <cache>/spamassassin}
     */
    public Path folder() {
        return dir;
    }

    /**
     * Downloads, extracts and checks every archive that is not already in the cache.
     *
     * @return the archives, with URL, SHA-256, label, mail count and extracted folder
     * @throws IOException if an archive cannot be downloaded, or is refused or fails a check; the
     *     message names the archive and why, and the archive is deleted from the cache
     */
    public CorpusResult fetch() throws IOException {
        Files.createDirectories(dir);
        List<CorpusResult.Archive> done = new ArrayList<>();
        for (SpamAssassinArchive archive : archives) {
            done.add(fetch(archive));
        }
        return new CorpusResult(done);
    }

    private CorpusResult.Archive fetch(SpamAssassinArchive archive) throws IOException {
        String url = baseUrl + archive.fileName();
        Path file = dir.resolve(archive.fileName());
        HttpDownload.Fetched fetched = download.download(url, file, null, maxArchiveBytes);
        String sha256 = fetched.sha256() != null ? fetched.sha256() : Sha256.ofFile(file);
        Path target = dir.resolve(archive.stem());
        Properties marker = readMarker(target);
        if (marker != null && sha256.equals(marker.getProperty("sha256"))) {
            Path top = target.resolve(marker.getProperty("top", ""));
            if (Files.isRegularFile(top.resolve(CorpusResult.CMDS))) {
                return result(archive, url, sha256, top, fetched.downloaded());
            }
        }
        say("spamassassin: extracting " + archive.fileName());
        Path temp = Files.createTempDirectory(dir, "." + archive.stem() + ".tmp-");
        try {
            extractor.extract(file, temp);
            String top = check(archive, temp);
            Properties written = new Properties();
            written.setProperty("archive", archive.fileName());
            written.setProperty("sha256", sha256);
            written.setProperty("top", top);
            try (OutputStream out = Files.newOutputStream(temp.resolve(MARKER))) {
                written.store(out, "extracted by spamgpt");
            }
            replace(temp, target);
            return result(archive, url, sha256, target.resolve(top), fetched.downloaded());
        } catch (IOException | RuntimeException e) {
            deleteTree(temp);
            Files.deleteIfExists(file);
            throw new IOException(
                    e.getMessage() + " (" + url + "; the archive was deleted from " + dir + ")", e);
        }
    }

    private CorpusResult.Archive result(
            SpamAssassinArchive archive, String url, String sha256, Path top, boolean downloaded)
            throws IOException {
        return new CorpusResult.Archive(
                archive.fileName(),
                url,
                sha256,
                archive.label(),
                mailFiles(top).size(),
                archive.documentedMails(),
                top,
                downloaded);
    }

    /** Checks the layout the site's archives have; returns the top folder's name. */
    private static String check(SpamAssassinArchive archive, Path extracted) throws IOException {
        List<Path> tops;
        try (Stream<Path> list = Files.list(extracted)) {
            tops = list.collect(Collectors.toList());
        }
        if (tops.size() != 1 || !Files.isDirectory(tops.get(0))) {
            throw new IOException(
                    archive.fileName()
                            + " should hold one top folder, but holds "
                            + tops.size()
                            + " entries at the top");
        }
        Path top = tops.get(0);
        String name = top.getFileName().toString();
        if (!Files.isRegularFile(top.resolve(CorpusResult.CMDS))) {
            throw new IOException(
                    archive.fileName() + " has no " + name + "/" + CorpusResult.CMDS + " file");
        }
        try (Stream<Path> list = Files.list(top)) {
            List<Path> folders = list.filter(Files::isDirectory).collect(Collectors.toList());
            if (!folders.isEmpty()) {
                throw new IOException(
                        archive.fileName()
                                + " should hold one mail per file in "
                                + name
                                + "/, but holds the folder "
                                + top.relativize(folders.get(0)));
            }
        }
        int mails = mailFiles(top).size();
        if (archive.documentedMails() >= 0 && mails != archive.documentedMails()) {
            throw new IOException(
                    archive.fileName()
                            + " holds "
                            + mails
                            + " mails, but the corpus documents "
                            + archive.documentedMails());
        }
        return name;
    }

    private static List<Path> mailFiles(Path top) throws IOException {
        try (Stream<Path> list = Files.list(top)) {
            return list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(CorpusResult.CMDS))
                    .collect(Collectors.toList());
        }
    }

    private static Properties readMarker(Path target) throws IOException {
        Path marker = target.resolve(MARKER);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(marker)) {
            properties.load(in);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return properties;
    }

    /** Moves the checked folder into place; an older extraction is moved aside, then deleted. */
    private void replace(Path temp, Path target) throws IOException {
        if (Files.exists(target)) {
            Path old = Files.createTempDirectory(dir, "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void say(String line) {
        if (progress) {
            System.err.println(line);
        }
    }
}
