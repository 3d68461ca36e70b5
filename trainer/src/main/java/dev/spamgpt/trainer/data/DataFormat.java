package dev.spamgpt.trainer.data;

import dev.spamgpt.core.text.MessageText;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The labelled sources {@code prepare} reads, and how to tell them apart. */
public enum DataFormat {
    /** The UCI SMS Spam Collection: {@code ham|spam<TAB>text}, its SHA-256 is checked. */
    SMS,
    /** {@code label<TAB>text}, optional header. */
    TSV,
    /** {@code label,text} with RFC 4180 quoting, optional header. */
    CSV,
    /** One JSON object a line with {@code text} and {@code label}. */
    JSONL,
    /** A folder with {@code ham/} and {@code spam/} subfolders of mail. */
    MAIL;

    /**
     * Parses a format name, any case; {@code auto} gives null.
     *
     * @param name the name: auto, sms, tsv, csv, jsonl or mail
     * @return the format, or null for {@code auto}
     * @throws IllegalArgumentException for another name
     */
    public static DataFormat parse(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return null;
        }
        for (DataFormat format : values()) {
            if (format.cliName().equals(lower)) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown format '"
                        + name
                        + "'; expected auto, "
                        + Arrays.stream(values())
                                .map(DataFormat::cliName)
                                .collect(Collectors.joining(", ")));
    }

    /**
     * Returns the name used on the command line and in {@code dataset.json}.
     *
     * @return the lower-case name
     */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Guesses the format of a path: a folder is mail; a file named {@code SMSSpamCollection} is the
     * SMS collection; then the extension ({@code .csv}, {@code .tsv}, {@code .jsonl}); then the
     * first line (a TAB means TSV, a brace JSONL, a comma CSV).
     *
     * @param path the file or folder
     * @return the format
     * @throws IOException if the path cannot be read or its format cannot be told
     */
    public static DataFormat detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (MailFolderReader.isMailFolder(path)) {
                return MAIL;
            }
            throw new IOException(
                    path
                            + " is a folder without ham/ and spam/ subfolders; a mail folder must"
                            + " hold both (each with .eml files, Maildir folders or mbox files)");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + " does not exist");
        }
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals(SmsCollectionReader.FILE_NAME.toLowerCase(Locale.ROOT))) {
            return SMS;
        }
        if (lower.endsWith(".csv")) {
            return CSV;
        }
        if (lower.endsWith(".tsv") || lower.endsWith(".tab")) {
            return TSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return JSONL;
        }
        String first = firstLine(path);
        if (first != null) {
            if (first.trim().startsWith("{")) {
                return JSONL;
            }
            if (first.contains("\t")) {
                return TSV;
            }
            if (first.contains(",")) {
                return CSV;
            }
        }
        throw new IOException(
                "cannot tell the format of "
                        + path
                        + "; name it with --format"
                        + " (sms, tsv, csv, jsonl or mail)");
    }

    /**
     * Reads a source in this format.
     *
     * @param path the file or folder
     * @return the examples with the malformed and skipped counts
     * @throws IOException if the source cannot be read
     */
    public ReadResult read(Path path) throws IOException {
        return read(path, ReadResult.DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads a source in this format, keeping lines (CSV: records) of at most {@code maxLineChars};
     * a longer one is malformed. Mail is bounded by {@link MessageText.Limits} instead.
     *
     * @param path the file or folder
     * @param maxLineChars the longest line or record kept
     * @return the examples with the malformed and skipped counts
     * @throws IOException if the source cannot be read
     */
    public ReadResult read(Path path, int maxLineChars) throws IOException {
        return read(path, maxLineChars, new ReadResult());
    }

    /**
     * Reads a source in this format into a result, such as a {@linkplain ReadResult#streaming
     * streaming} one that hands each message on instead of keeping it.
     *
     * @param path the file or folder
     * @param maxLineChars the longest line or record kept
     * @param into where the messages and counts go
     * @return {@code into}
     * @throws IOException if the source cannot be read
     */
    public ReadResult read(Path path, int maxLineChars, ReadResult into) throws IOException {
        return switch (this) {
            case SMS -> SmsCollectionReader.read(path, maxLineChars, into);
            case TSV -> DelimitedReader.readTsv(path, maxLineChars, into);
            case CSV -> DelimitedReader.readCsv(path, maxLineChars, into);
            case JSONL -> JsonlReader.read(path, maxLineChars, into);
            case MAIL -> MailFolderReader.read(path, MessageText.Limits.defaults(), into);
        };
    }

    /** The start of the first non-blank line: enough to tell the format, never the whole file. */
    private static String firstLine(Path path) throws IOException {
        try (LineReader in =
                new LineReader(
                        new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8),
                        1 << 16)) {
            LineReader.Line line;
            while ((line = in.next()) != null) {
                if (!line.text().isBlank()) {
                    return line.text();
                }
            }
            return null;
        }
    }
}
