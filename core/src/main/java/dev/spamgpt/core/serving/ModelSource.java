package dev.spamgpt.core.serving;

import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.bundle.ModelBundle;
import dev.spamgpt.core.repository.ModelRepository;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where serving finds its model: a plain bundle folder, or a {@link ModelRepository} whose {@code
 * current} pointer names one. {@link #resolve()} says which bundle that is now, with a fingerprint
 * that changes whenever the bundle does, cheap enough to read every few seconds.
 */
public final class ModelSource {

    private final Path path;
    private final ModelRepository repository;

    private ModelSource(Path path, ModelRepository repository) {
        this.path = path;
        this.repository = repository;
    }

    /**
     * @param path a bundle folder, or a repository folder (one with a {@code current} pointer or a
     *     history)
     * @return the source
     */
    public static ModelSource of(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        return new ModelSource(
                normal, ModelRepository.isRepository(normal) ? ModelRepository.at(normal) : null);
    }

    /**
     * @return the folder given
     */
    public Path path() {
        return path;
    }

    /**
     * @return true when the folder is a repository rather than one bundle
     */
    public boolean isRepository() {
        return repository != null;
    }

    /** A bundle the source names, and the fingerprint of its files at the time. */
    public static final class Target {
        private final Path folder;
        private final String ref;
        private final String fingerprint;

        Target(Path folder, String ref, String fingerprint) {
            this.folder = folder;
            this.ref = ref;
            this.fingerprint = fingerprint;
        }

        /**
         * @return the bundle folder
         */
        public Path folder() {
            return folder;
        }

        /**
         * @return the repository pointer ({@code id/version}), or the folder for a plain bundle
         */
        public String ref() {
            return ref;
        }

        /**
         * @return equal for the same files; anything else means the bundle changed
         */
        public String fingerprint() {
            return fingerprint;
        }
    }

    /**
     * Reads which bundle the source names now. Only the pointer and the manifest are read, and the
     * sizes and times of the other files: a bundle still being copied in place shows up as a new
     * fingerprint each time it changes, so it is tried again once the copy is done.
     *
     * @return the bundle and its fingerprint
     * @throws IOException if the pointer or the manifest cannot be read
     * @throws BundleException if a repository has no model in service
     */
    public Target resolve() throws IOException {
        if (repository == null) {
            return new Target(path, path.toString(), fingerprint(path));
        }
        Optional<String> ref = repository.currentRef();
        if (ref.isEmpty()) {
            throw new BundleException(
                    "the repository "
                            + path
                            + " has no model in service yet; put one there with 'spamgpt-trainer"
                            + " promote --repository "
                            + path
                            + " --candidate BUNDLE'");
        }
        Path folder = repository.folderOf(ref.get());
        return new Target(folder, ref.get(), ref.get() + "|" + fingerprint(folder));
    }

    private static String fingerprint(Path folder) throws IOException {
        StringBuilder s = new StringBuilder();
        try {
            s.append(Sha256.ofBytes(Files.readAllBytes(folder.resolve(ModelBundle.MANIFEST))));
        } catch (NoSuchFileException e) {
            s.append("no-manifest");
        }
        for (String name : new String[] {ModelBundle.CONFIG, ModelBundle.WEIGHTS}) {
            Path file = folder.resolve(name);
            s.append('|').append(name).append(':');
            if (Files.isRegularFile(file)) {
                s.append(Files.size(file)).append('@').append(Files.getLastModifiedTime(file));
            } else {
                s.append("missing");
            }
        }
        return s.toString();
    }
}
