package dev.spamgpt.core.repository;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.util.TempFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of versioned bundles and the pointer to the one in service:
 *
 * <pre>
 * REPOSITORY/
 *   spamgpt-mail/20261203T101500Z/   a bundle, as 'train' wrote it (id / version of its manifest)
 *   current                          "spamgpt-mail/20261203T101500Z", replaced atomically
 *   history.jsonl                    one line per promotion or rollback, appended and forced
 * </pre>
 *
 * Serving reads {@link #current()}; the trainer's {@code promote} and {@code rollback} change it
 * under a file lock, so two operators cannot interleave. A reader sees the old pointer or the new
 * one, never a half-written one, because the pointer is renamed into place.
 */
public final class ModelRepository {

    /** The pointer file's name. */
    public static final String CURRENT = "current";

    /** The history file's name. */
    public static final String HISTORY = "history.jsonl";

    private static final String LOCK = ".lock";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    private ModelRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * Opens a repository folder, which need not exist yet: the first {@link #add} creates it.
     *
     * @param root the folder
     * @return the repository
     */
    public static ModelRepository at(Path root) {
        return new ModelRepository(root);
    }

    /** True when {@code folder} holds a {@code current} pointer or a history: a repository. */
    public static boolean isRepository(Path folder) {
        return Files.isRegularFile(folder.resolve(CURRENT))
                || Files.isRegularFile(folder.resolve(HISTORY));
    }

    /**
     * @return the folder
     */
    public Path root() {
        return root;
    }

    /**
     * @return the pointer ({@code id/version}) of the model in service, if any
     * @throws IOException if the pointer cannot be read
     * @throws BundleException if it names something outside the repository or that is not there
     */
    public Optional<String> currentRef() throws IOException {
        Path pointer = root.resolve(CURRENT);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        String ref = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        folderOf(ref);
        return Optional.of(ref);
    }

    /**
     * @return the folder of the bundle in service, if any
     * @throws IOException if the pointer cannot be read
     */
    public Optional<Path> current() throws IOException {
        Optional<String> ref = currentRef();
        return ref.isPresent() ? Optional.of(folderOf(ref.get())) : Optional.empty();
    }

    /**
     * The folder a pointer names.
     *
     * @param ref {@code id/version}
     * @return {@code REPOSITORY/id/version}
     * @throws BundleException if the pointer is malformed or the folder is missing
     */
    public Path folderOf(String ref) {
        String[] parts = ref.split("/", -1);
        if (parts.length != 2
                || !NAME.matcher(parts[0]).matches()
                || !NAME.matcher(parts[1]).matches()) {
            throw new BundleException(
                    root.resolve(CURRENT)
                            + " must hold MODEL_ID/VERSION (letters, digits, '.', '_', '-'), got '"
                            + ref
                            + "'");
        }
        Path folder = root.resolve(parts[0]).resolve(parts[1]);
        if (!Files.isDirectory(folder)) {
            throw new BundleException(
                    "the repository " + root + " names " + ref + ", which is not there");
        }
        return folder;
    }

    /**
     * Copies a verified bundle into {@code id/version/}; a bundle already there with the same
     * weights is reused.
     *
     * @param bundle the bundle folder
     * @return its pointer, {@code id/version}
     * @throws IOException if it cannot be copied
     * @throws BundleException if the bundle does not verify, or another bundle of the same id and
     *     version is there
     */
    public String add(Path bundle) throws IOException {
        ModelBundle read = ModelBundle.read(bundle);
        String id = read.manifest().id();
        String version = read.manifest().version();
        if (id == null || !NAME.matcher(id).matches()) {
            throw new BundleException(bundle + ": its id '" + id + "' cannot name a folder");
        }
        if (version == null || !NAME.matcher(version).matches()) {
            throw new BundleException(
                    bundle + ": its version '" + version + "' cannot name a folder");
        }
        String ref = id + "/" + version;
        Path target = root.resolve(id).resolve(version);
        if (Files.isDirectory(target)) {
            String there = ModelBundle.read(target).manifest().files().get(ModelBundle.WEIGHTS);
            if (!read.manifest().files().get(ModelBundle.WEIGHTS).equals(there)) {
                throw new BundleException(
                        "the repository already holds a different "
                                + ref
                                + "; give the"
                                + " candidate a new version (train --model-id, or retrain)");
            }
            return ref;
        }
        Files.createDirectories(target.getParent());
        Path staging = TempFiles.sibling(target);
        Files.createDirectories(staging);
        try (Stream<Path> files = Files.list(bundle)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, staging.resolve(f.getFileName().toString()));
                }
            }
        }
        ModelBundle.read(staging); // the copy verifies before it becomes visible
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return ref;
    }

    /**
     * Points {@code current} at {@code ref} and records why, atomically and under the lock.
     *
     * @param ref {@code id/version}, already in the repository
     * @param entry the history line: what, by whom, with which evidence ({@code time}, {@code ref}
     *     and {@code previous} are filled in)
     * @throws IOException if the pointer or the history cannot be written
     */
    public void point(String ref, Map<String, Object> entry) throws IOException {
        folderOf(ref);
        Files.createDirectories(root);
        try (FileChannel lockFile =
                FileChannel.open(
                        root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.lock();
            try {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("time", java.time.Instant.now().toString());
                line.putAll(entry);
                line.put("ref", ref);
                line.put("previous", currentRef().orElse(null));
                appendHistory(line);
                replacePointer(ref);
            } finally {
                lock.release();
            }
        }
    }

    private void replacePointer(String ref) throws IOException {
        Path pointer = root.resolve(CURRENT);
        Path tmp = TempFiles.sibling(pointer);
        try {
            Files.writeString(tmp, ref + "\n", StandardCharsets.UTF_8);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(
                    tmp,
                    pointer,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * @return the history, oldest first; a torn last line (a crash mid-append) is left out
     * @throws IOException if the file cannot be read
     */
    public List<Map<String, Object>> history() throws IOException {
        Path file = root.resolve(HISTORY);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() {}));
            } catch (IOException e) {
                // Only the last append can be torn; an earlier bad line would also be skipped.
            }
        }
        return out;
    }

    /**
     * The pointer a rollback returns to: the history is replayed as a stack (a promotion pushes, a
     * rollback pops), and this is the entry below the top.
     *
     * @return the pointer before the current one, if there is one
     * @throws IOException if the history cannot be read
     */
    public Optional<String> rollbackTarget() throws IOException {
        Deque<String> stack = new ArrayDeque<>();
        for (Map<String, Object> entry : history()) {
            if ("rollback".equals(entry.get("action"))) {
                stack.pollFirst();
            } else if (entry.get("ref") instanceof String) {
                stack.push((String) entry.get("ref"));
            }
        }
        stack.pollFirst();
        return Optional.ofNullable(stack.peekFirst());
    }

    private void appendHistory(Map<String, Object> line) throws IOException {
        byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel out =
                FileChannel.open(
                        root.resolve(HISTORY),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
    }
}
