package dev.spamgpt.trainer.download;

import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds a base model: a local Hugging Face folder is used as it is; a hub id such as {@code
 * openai-community/gpt2} is downloaded once ({@code config.json} and {@code model.safetensors})
 * into a cache folder and reused on the next run.
 *
 * <p>Downloads go through {@link HttpDownload}: a progress bar on standard error, resume after an
 * interruption, and, when the hub cannot be reached, an error that lists the URLs to fetch by hand
 * and the folder to put them in.
 *
 * <p>Every download is verified before it enters the cache: it may not be larger than {@link
 * #maxBytes(String)}, nor than the size the hub declares; an LFS file (the weights) must have the
 * SHA-256 the hub declares for it ({@code X-Linked-Etag} and {@code X-Linked-Size} on the redirect
 * to the CDN; a small git file such as {@code config.json} has no SHA-256 there, only its length).
 * A verified file gets a {@code <file>.sha256} beside it, in {@code sha256sum} format, and is
 * checked against it on every reuse: a cached file that no longer matches is deleted and downloaded
 * again. A file without that record was put there by hand (as the offline advice says) and is used
 * as it is; the checkpoint loader checks its structure.
 */
public final class HubDownloader {

    /** The model the book fine-tunes: GPT-2 small, 124M parameters. */
    public static final String DEFAULT_MODEL = "openai-community/gpt2";

    /** The Hugging Face hub. */
    public static final String DEFAULT_HUB_URL = "https://huggingface.co";

    /** System property that overrides the hub URL (a mirror, or a test server). */
    public static final String HUB_URL_PROPERTY = "spamgpt.hub.url";

    /** The files a GPT-2 folder needs, in download order (the small one first). */
    public static final List<String> FILES =
            Collections.unmodifiableList(Arrays.asList(HfCheckpoint.CONFIG, HfCheckpoint.WEIGHTS));

    /** The largest {@code config.json} accepted (the real ones are under 1 KiB). */
    public static final long MAX_CONFIG_BYTES = 1L << 20;

    /** The largest {@code model.safetensors} accepted: GPT-2 XL in fp32 is about 6.4 GB. */
    public static final long MAX_WEIGHTS_BYTES = 8L << 30;

    // "gpt2" or "owner/name": letters, digits, '-', '_', '.', never a "." or ".." part.
    private static final Pattern HUB_ID =
            Pattern.compile("[A-Za-z0-9][\\w.-]*(/[A-Za-z0-9][\\w.-]*)?");

    private final String hubUrl;
    private final Path cacheDir;
    private final HttpDownload http;

    /**
     * Creates a downloader.
     *
     * @param hubUrl the hub's base URL, such as {@link #DEFAULT_HUB_URL}
     * @param cacheDir where downloaded models go, one folder per id
     * @param http the downloader to fetch files with
     */
    public HubDownloader(String hubUrl, Path cacheDir, HttpDownload http) {
        this.hubUrl = hubUrl.endsWith("/") ? hubUrl.substring(0, hubUrl.length() - 1) : hubUrl;
        this.cacheDir = cacheDir;
        this.http = http;
    }

    /**
     * Returns a downloader with the defaults: the hub URL from the system property {@value
     * #HUB_URL_PROPERTY}, else the environment variable {@code HF_ENDPOINT}, else {@link
     * #DEFAULT_HUB_URL}; a progress bar on standard error.
     *
     * @param cacheDir the cache folder, or null for {@link #defaultCacheDir()}
     * @return the downloader
     */
    public static HubDownloader create(Path cacheDir) {
        return new HubDownloader(
                defaultHubUrl(),
                cacheDir == null ? defaultCacheDir() : cacheDir,
                HttpDownload.create());
    }

    /**
     * @return the hub URL that {@link #create} uses
     */
    public static String defaultHubUrl() {
        String url = System.getProperty(HUB_URL_PROPERTY);
        if (url == null || url.isEmpty()) {
            url = System.getenv("HF_ENDPOINT");
        }
        return url == null || url.isEmpty() ? DEFAULT_HUB_URL : url;
    }

    /**
     * @return {@code ~/.cache/spamgpt/models}
     */
    public static Path defaultCacheDir() {
        return Paths.get(System.getProperty("user.home"), ".cache", "spamgpt", "models");
    }

    /**
     * Resolves a {@code --base-model} argument to a folder holding {@code config.json} and {@code
     * model.safetensors}.
     *
     * @param baseModel an existing folder, or a hub id; null or empty means {@link #DEFAULT_MODEL}
     * @return the folder: the argument itself, or the cache folder of the hub id
     * @throws IOException if the download fails; the message says what to fetch by hand
     * @throws IllegalArgumentException if the argument is neither a folder nor a valid hub id
     */
    public Path resolve(String baseModel) throws IOException {
        String arg =
                baseModel == null || baseModel.trim().isEmpty() ? DEFAULT_MODEL : baseModel.trim();
        Path local = asPath(arg);
        if (local != null && Files.isDirectory(local)) {
            return local;
        }
        if (!HUB_ID.matcher(arg).matches() || arg.contains("..")) {
            throw new IllegalArgumentException(
                    "base model '"
                            + arg
                            + "' is neither a folder nor a hub id: pass a"
                            + " folder holding "
                            + HfCheckpoint.CONFIG
                            + " and "
                            + HfCheckpoint.WEIGHTS
                            + ", or an id such as "
                            + DEFAULT_MODEL);
        }
        if (local != null && Files.exists(local)) {
            throw new IllegalArgumentException(
                    local
                            + " is a file; the base model must be a folder holding "
                            + HfCheckpoint.CONFIG
                            + " and "
                            + HfCheckpoint.WEIGHTS
                            + ", or a hub id");
        }
        return download(arg);
    }

    /**
     * Downloads a hub model into the cache, or reuses the files already there.
     *
     * @param hubId such as {@code openai-community/gpt2}
     * @return the model's cache folder
     * @throws IOException if a file cannot be downloaded; the message lists every URL to fetch by
     *     hand and where to put it
     */
    public Path download(String hubId) throws IOException {
        Path folder = cacheFolder(hubId);
        for (String file : FILES) {
            Path target = folder.resolve(file);
            Path record = record(target);
            try {
                if (Files.isRegularFile(target) && !stillAsDownloaded(target, record)) {
                    Files.delete(target);
                    Files.deleteIfExists(record);
                }
                HttpDownload.Fetched fetched =
                        http.download(url(hubId, file), target, null, maxBytes(file));
                if (fetched.downloaded()) {
                    writeRecord(record, fetched.sha256(), file);
                }
            } catch (IOException e) {
                throw new IOException(handFetchMessage(hubId, folder, e), e);
            }
        }
        return folder;
    }

    /**
     * Returns the largest download accepted for a file of a model.
     *
     * @param file {@link HfCheckpoint#CONFIG} or {@link HfCheckpoint#WEIGHTS}
     * @return the cap in bytes
     */
    public static long maxBytes(String file) {
        return HfCheckpoint.CONFIG.equals(file) ? MAX_CONFIG_BYTES : MAX_WEIGHTS_BYTES;
    }

    private static Path record(Path target) {
        return target.resolveSibling(target.getFileName() + ".sha256");
    }

    /** True if the file has no download record (it was put there by hand) or matches it. */
    private static boolean stillAsDownloaded(Path target, Path record) throws IOException {
        if (!Files.isRegularFile(record)) {
            return true;
        }
        String line = new String(Files.readAllBytes(record), StandardCharsets.US_ASCII).trim();
        int space = line.indexOf(' ');
        String recorded = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
        return Sha256.ofFile(target).equals(recorded);
    }

    private static void writeRecord(Path record, String sha256, String file) throws IOException {
        Path temp = TempFiles.sibling(record);
        try {
            Files.write(temp, (sha256 + "  " + file + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.move(temp, record, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Returns where a hub model is cached: the id with {@code /} replaced by {@code --}.
     *
     * @param hubId such as {@code openai-community/gpt2}
     * @return such as {@code ~/.cache/spamgpt/models/openai-community--gpt2}
     */
    public Path cacheFolder(String hubId) {
        return cacheDir.resolve(hubId.replace("/", "--"));
    }

    /**
     * Returns the download URL of one file of a hub model (its {@code main} revision).
     *
     * @param hubId such as {@code openai-community/gpt2}
     * @param file such as {@code model.safetensors}
     * @return the URL
     */
    public String url(String hubId, String file) {
        return hubUrl + "/" + hubId + "/resolve/main/" + file;
    }

    private String handFetchMessage(String hubId, Path folder, IOException cause) {
        StringBuilder m =
                new StringBuilder("base model ")
                        .append(hubId)
                        .append(" is not in the cache (")
                        .append(folder.toAbsolutePath())
                        .append(") and the download failed: ")
                        .append(firstSentence(cause))
                        .append(". ");
        m.append("Without network access, fetch these files by hand");
        for (String file : FILES) {
            m.append("\n  ")
                    .append(url(hubId, file))
                    .append("  ->  ")
                    .append(folder.resolve(file).toAbsolutePath());
        }
        m.append("\nand run again (a partial download resumes), or pass a local folder holding ")
                .append(HfCheckpoint.CONFIG)
                .append(" and ")
                .append(HfCheckpoint.WEIGHTS)
                .append(" instead of the hub id.");
        return m.toString();
    }

    private static String firstSentence(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // HttpDownload's message ends with its own hand-fetch advice for one file; ours covers
        // both.
        int advice = message.indexOf(". If this machine is offline");
        return advice > 0 ? message.substring(0, advice) : message;
    }

    private static Path asPath(String arg) {
        try {
            return Paths.get(
                    arg.startsWith("~/")
                            ? System.getProperty("user.home") + arg.substring(1)
                            : arg);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
