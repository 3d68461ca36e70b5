package dev.spamgpt.trainer.data;

import dev.spamgpt.core.text.MessageText;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a folder holding {@code ham/} and {@code spam/} subfolders of mail: {@code .eml} files,
 * Maildir folders ({@code cur/} and {@code new/}) and mbox files, in any mix and at any depth. The
 * text of each message comes from {@link MessageText}, the same extraction the mailet and the
 * streams filter use.
 *
 * <p>Files are read in path order, so the same folder always gives the same examples in the same
 * order. A message without any text is malformed; files that are not mail (a README, a Maildir
 * {@code tmp/} file) are counted as skipped.
 *
 * <p>One message never stops the folder: whatever is thrown while one file or message is read or
 * extracted (an I/O error, a runtime exception, a {@link StackOverflowError} from a crafted mail)
 * makes that message malformed, with the reason, and reading goes on. Only the other {@link
 * VirtualMachineError}s (a real {@link OutOfMemoryError}) end the run, because the JVM may not be
 * able to go on after them.
 */
public final class MailFolderReader {

    private final Path root;
    private final MessageText.Limits limits;
    private final Extractor extractor;
    private final ReadResult result;

    private MailFolderReader(
            Path root, MessageText.Limits limits, Extractor extractor, ReadResult result) {
        this.root = root;
        this.limits = limits;
        this.extractor = extractor;
        this.result = result;
    }

    /**
     * Tells whether a folder has the {@code ham/} and {@code spam/} layout.
     *
     * @param folder the folder
     * @return true if both subfolders exist
     */
    public static boolean isMailFolder(Path folder) {
        return Files.isDirectory(folder.resolve("ham"))
                && Files.isDirectory(folder.resolve("spam"));
    }

    /**
     * Reads every message under {@code folder/ham} and {@code folder/spam}.
     *
     * @param folder the folder
     * @param limits the bounds of the text extraction
     * @return the examples, malformed and skipped counts; a file that cannot be read counts as
     *     malformed
     * @throws IOException if a subfolder is missing or cannot be listed
     */
    public static ReadResult read(Path folder, MessageText.Limits limits) throws IOException {
        return read(folder, limits, in -> MessageText.fromMime(in, limits));
    }

    /**
     * Reads any mail source into {@code into}: a folder with {@code ham/} and {@code spam/} is
     * labelled as by {@link #read(Path, MessageText.Limits)}; any other folder is walked whole and
     * its messages are {@linkplain ReadResult#UNLABELLED unlabelled}; a single file is an mbox when
     * it starts with a {@code From } line, else one message, also unlabelled.
     *
     * @param source the folder or file
     * @param limits the bounds of the text extraction
     * @param into where the messages go, such as a {@linkplain ReadResult#streaming streaming}
     *     result
     * @return {@code into}
     * @throws IOException if the source is missing or a folder cannot be listed
     */
    public static ReadResult readAny(Path source, MessageText.Limits limits, ReadResult into)
            throws IOException {
        Extractor extractor = in -> MessageText.fromMime(in, limits);
        if (isMailFolder(source)) {
            return read(source, limits, extractor, into);
        }
        if (Files.isDirectory(source)) {
            MailFolderReader reader = new MailFolderReader(source, limits, extractor, into);
            return into.fill(() -> reader.readLabel(source, ReadResult.UNLABELLED));
        }
        if (!Files.isRegularFile(source)) {
            throw new IOException(source + " does not exist or is not a file or folder");
        }
        Path file = source.toAbsolutePath();
        MailFolderReader reader = new MailFolderReader(file.getParent(), limits, extractor, into);
        String where = file.getFileName().toString();
        return into.fill(
                () -> {
                    try {
                        if (isMbox(file)) {
                            reader.readMbox(file, where, ReadResult.UNLABELLED);
                        } else {
                            try (InputStream in = Files.newInputStream(file)) {
                                reader.addMessage(
                                        extractor.extract(in), where, ReadResult.UNLABELLED);
                            }
                        }
                    } catch (Throwable e) { // NOPMD: see the class comment
                        into.malformed(where, ReadResult.failure(e));
                    }
                });
    }

    /** Turns the bytes of one message into its text; tests replace it to throw. */
    @FunctionalInterface
    interface Extractor {
        MessageText.Result extract(InputStream message) throws IOException;
    }

    static ReadResult read(Path folder, MessageText.Limits limits, ReadResult into)
            throws IOException {
        return read(folder, limits, in -> MessageText.fromMime(in, limits), into);
    }

    static ReadResult read(Path folder, MessageText.Limits limits, Extractor extractor)
            throws IOException {
        return read(folder, limits, extractor, new ReadResult());
    }

    private static ReadResult read(
            Path folder, MessageText.Limits limits, Extractor extractor, ReadResult into)
            throws IOException {
        if (!isMailFolder(folder)) {
            throw new IOException(
                    folder
                            + " must hold a ham/ and a spam/ subfolder of .eml files,"
                            + " Maildir folders or mbox files");
        }
        MailFolderReader reader = new MailFolderReader(folder, limits, extractor, into);
        return into.fill(
                () -> {
                    reader.readLabel(folder.resolve("ham"), LabelledText.HAM);
                    reader.readLabel(folder.resolve("spam"), LabelledText.SPAM);
                });
    }

    private void readLabel(Path dir, int label) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        for (Path file : files) {
            String where = root.relativize(file).toString();
            try {
                readFile(file, where, label);
            } catch (Throwable e) { // NOPMD: see the class comment
                result.malformed(where, ReadResult.failure(e));
            }
        }
    }

    private void readFile(Path file, String where, int label) throws IOException {
        String name = file.getFileName().toString();
        String parent = file.getParent().getFileName().toString();
        if (name.startsWith(".")) {
            result.skipped(where, "hidden file");
        } else if (parent.equals("tmp") && isMaildir(file.getParent().getParent())) {
            result.skipped(where, "Maildir tmp/ holds messages still being delivered");
        } else if (name.toLowerCase(Locale.ROOT).endsWith(".eml")
                || (parent.equals("cur") || parent.equals("new"))
                        && isMaildir(file.getParent().getParent())) {
            try (InputStream in = Files.newInputStream(file)) {
                addMessage(extractor.extract(in), where, label);
            }
        } else if (isMbox(file)) {
            readMbox(file, where, label);
        } else {
            result.skipped(where, "not a .eml file, Maildir message or mbox file");
        }
    }

    private static boolean isMaildir(Path dir) {
        return dir != null
                && Files.isDirectory(dir.resolve("cur"))
                && Files.isDirectory(dir.resolve("new"));
    }

    /** An mbox file starts with a "From " line; the extension alone is not trusted. */
    private static boolean isMbox(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(5);
            return new String(start, StandardCharsets.US_ASCII).equals("From ");
        }
    }

    /**
     * Splits an mbox file into messages at "From " lines that start the file or follow an empty
     * line, and undoes the {@code >From} quoting. Each message is cut at the extraction's byte
     * limit while reading, so a huge mbox is streamed, not loaded.
     */
    private void readMbox(Path file, String where, int label) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            MessageBuffer message = new MessageBuffer(limits.maxBytes());
            boolean previousBlank = true;
            long lineNumber = 0;
            long messageLine = 0;
            long index = 0;
            byte[] line;
            while ((line = readLine(in)) != null) {
                lineNumber++;
                if (previousBlank && startsWith(line, "From ")) {
                    if (messageLine > 0) {
                        addMboxMessage(message, where, index, messageLine, label);
                    }
                    message = new MessageBuffer(limits.maxBytes());
                    messageLine = lineNumber;
                    index++;
                } else {
                    int quotes = 0;
                    while (quotes < line.length && line[quotes] == '>') {
                        quotes++;
                    }
                    boolean quotedFrom = quotes > 0 && startsWithAt(line, quotes, "From ");
                    message.write(line, quotedFrom ? 1 : 0);
                }
                previousBlank =
                        line.length == 1 && line[0] == '\n'
                                || line.length == 2 && line[0] == '\r' && line[1] == '\n';
            }
            if (messageLine > 0) {
                addMboxMessage(message, where, index, messageLine, label);
            }
        }
    }

    /**
     * One message of an mbox: its failure is its own, the next message is still read. Problems name
     * its line, for an editor; the message itself is named by its index in the file.
     */
    private void addMboxMessage(
            MessageBuffer message, String file, long index, long line, int label) {
        MessageText.Result text;
        try {
            text = message.extract(extractor);
        } catch (Throwable e) { // NOPMD: see the class comment
            result.malformed(file + ":" + line, ReadResult.failure(e));
            return;
        }
        if (text.hasText()) {
            result.add(file + "#" + index, text.text(), label);
        } else {
            result.malformed(file + ":" + line, noText(text));
        }
    }

    private void addMessage(MessageText.Result text, String where, int label) {
        if (text.hasText()) {
            result.add(where, text.text(), label);
        } else {
            result.malformed(where, noText(text));
        }
    }

    private static String noText(MessageText.Result text) {
        return text.problems().isEmpty()
                ? "no text in the message"
                : "no text in the message (" + text.problems().get(0) + ")";
    }

    /** Reads one line with its terminator, or null at the end; long lines come in pieces. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n' || line.size() >= 1 << 16) {
                break;
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static boolean startsWith(byte[] line, String prefix) {
        return startsWithAt(line, 0, prefix);
    }

    private static boolean startsWithAt(byte[] line, int offset, String prefix) {
        if (line.length - offset < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[offset + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of one mbox message, kept up to a limit (the extraction reads no more). */
    private static final class MessageBuffer {
        private final long limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        MessageBuffer(long limit) {
            this.limit = limit;
        }

        void write(byte[] line, int skip) {
            int length = line.length - skip;
            // One byte past the limit tells the extraction that the message was cut.
            long room = limit + 1 - bytes.size();
            if (room <= 0) {
                return;
            }
            bytes.write(line, skip, (int) Math.min(length, room));
        }

        MessageText.Result extract(Extractor extractor) throws IOException {
            return extractor.extract(new ByteArrayInputStream(bytes.toByteArray()));
        }
    }
}
