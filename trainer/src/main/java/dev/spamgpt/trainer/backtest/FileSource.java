package dev.spamgpt.trainer.backtest;

import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.trainer.data.DataFormat;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.MailFolderReader;
import dev.spamgpt.trainer.data.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Mail (a folder, an mbox file, a {@code .eml} file) or a labelled text file (CSV, TSV, JSONL, the
 * SMS collection), read by the same streaming readers {@code prepare} uses.
 */
final class FileSource implements MessageSource {

    private final Path path;
    private final DataFormat format;
    private final int maxLineChars;
    private ReadResult read;

    /**
     * @param path the file or folder
     * @param format its format, or null to tell it from the path (a folder or a file that is an
     *     mbox or ends in {@code .eml} is mail)
     * @param maxLineChars the longest line or record of a text file
     */
    FileSource(Path path, DataFormat format, int maxLineChars) throws IOException {
        this.path = path;
        this.maxLineChars = maxLineChars;
        if (!Files.exists(path)) {
            throw new IOException(path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new IOException(path + " cannot be read");
        }
        this.format = format != null ? format : detect(path);
    }

    private static DataFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)
                || path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".eml")
                || startsWithFrom(path)) {
            return DataFormat.MAIL;
        }
        return DataFormat.detect(path);
    }

    private static boolean startsWithFrom(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("From ");
        }
    }

    @Override
    public String kind() {
        return format == DataFormat.MAIL
                ? Files.isDirectory(path) ? "mail folder" : "mail file"
                : format.cliName();
    }

    @Override
    public boolean isMail() {
        return format == DataFormat.MAIL;
    }

    @Override
    public void replay(Consumer<BacktestMessage> sink, PrintWriter warnings) throws IOException {
        ReadResult.Visitor visitor =
                (where, text, label) ->
                        sink.accept(new BacktestMessage(where, group(where, label), label, text));
        ReadResult into = ReadResult.streaming(visitor);
        read =
                format == DataFormat.MAIL
                        ? MailFolderReader.readAny(path, MessageText.Limits.defaults(), into)
                        : format.read(path, maxLineChars, into);
        for (String problem : read.malformedSamples()) {
            warnings.println("malformed: " + problem);
        }
        if (read.malformed() > read.malformedSamples().size()) {
            warnings.println(
                    "malformed: "
                            + (read.malformed() - read.malformedSamples().size())
                            + " more not shown");
        }
        warnings.flush();
    }

    /** A labelled message counts under its label; an unlabelled one under its top folder. */
    private static String group(String where, int label) {
        if (label != ReadResult.UNLABELLED) {
            return LabelledText.name(label);
        }
        int slash = where.indexOf('/');
        int hash = where.indexOf('#');
        return slash > 0 && (hash < 0 || slash < hash)
                ? where.substring(0, slash)
                : BacktestMessage.UNLABELLED;
    }

    @Override
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("path", path.toString());
        if (read != null) {
            s.put("malformed", read.malformed());
            s.put("skipped", read.skipped());
            s.put("problems", read.malformedSamples());
        }
        return s;
    }

    @Override
    public long problems() {
        return read == null ? 0 : read.malformed();
    }

    @Override
    public long skipped() {
        return read == null ? 0 : read.skipped();
    }
}
