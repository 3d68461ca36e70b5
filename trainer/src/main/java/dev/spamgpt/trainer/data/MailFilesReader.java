package dev.spamgpt.trainer.data;

import dev.spamgpt.core.text.MessageText;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads folders that hold one message per file, each folder with one label, such as the folders of
 * the SpamAssassin public corpus. A file may begin with an mbox {@code From } envelope line; it is
 * dropped, and the rest is read as one message (unlike {@link MailFolderReader}, which would split
 * such a file as an mbox at every {@code From } line after a blank line of the body).
 *
 * <p>Files are read in name order. Names in {@code notMail} (the corpus's {@code cmds}) and hidden
 * files are counted as skipped; a message without text, or one that cannot be read, is malformed
 * with its reason, and reading goes on, as in {@link MailFolderReader}.
 */
public final class MailFilesReader {

    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

    private MailFilesReader() {}

    /** A folder of one-message files and the label of all of them. */
    public static final class Folder {
        private final Path path;
        private final int label;

        /**
         * Creates a labelled folder.
         *
         * @param path the folder
         * @param label {@link LabelledText#HAM} or {@link LabelledText#SPAM}
         */
        public Folder(Path path, int label) {
            if (label != LabelledText.HAM && label != LabelledText.SPAM) {
                throw new IllegalArgumentException("label must be 0 or 1, got " + label);
            }
            this.path = path;
            this.label = label;
        }

        /**
         * @return the folder
         */
        public Path path() {
            return path;
        }

        /**
         * @return the label of its messages
         */
        public int label() {
            return label;
        }
    }

    /**
     * Reads the files directly inside each folder, in the order given.
     *
     * @param folders the labelled folders
     * @param notMail file names that are not messages, skipped and counted
     * @param limits the bounds of the text extraction
     * @return the examples, malformed and skipped counts
     * @throws IOException if a folder is missing or cannot be listed
     */
    public static ReadResult read(
            List<Folder> folders, Set<String> notMail, MessageText.Limits limits)
            throws IOException {
        ReadResult result = new ReadResult();
        for (Folder folder : folders) {
            if (!Files.isDirectory(folder.path())) {
                throw new IOException(folder.path() + " is not a folder");
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(folder.path())) {
                files = list.sorted().collect(Collectors.toList());
            }
            String base = folder.path().getFileName().toString();
            for (Path file : files) {
                String name = file.getFileName().toString();
                String where = base + "/" + name;
                if (notMail.contains(name)) {
                    result.skipped(where, "not a message");
                } else if (name.startsWith(".")) {
                    result.skipped(where, "hidden file");
                } else if (!Files.isRegularFile(file)) {
                    result.skipped(where, "not a regular file");
                } else {
                    try {
                        addMessage(result, readOne(file, limits), where, folder.label());
                    } catch (Throwable e) { // NOPMD: see MailFolderReader's class comment
                        result.malformed(where, ReadResult.failure(e));
                    }
                }
            }
        }
        return result;
    }

    private static MessageText.Result readOne(Path file, MessageText.Limits limits)
            throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            skipEnvelopeLine(in);
            return MessageText.fromMime(in, limits);
        }
    }

    /** Drops a first line that starts with "From ": the mbox envelope is not a header. */
    private static void skipEnvelopeLine(InputStream in) throws IOException {
        in.mark(FROM.length);
        byte[] start = in.readNBytes(FROM.length);
        if (!java.util.Arrays.equals(start, FROM)) {
            in.reset();
            return;
        }
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            // the rest of the envelope line
        }
    }

    private static void addMessage(
            ReadResult result, MessageText.Result text, String where, int label) {
        if (text.hasText()) {
            result.add(where, text.text(), label);
        } else {
            String why =
                    text.problems().isEmpty()
                            ? "no text in the message"
                            : "no text in the message (" + text.problems().get(0) + ")";
            result.malformed(where, why);
        }
    }
}
