package dev.spamgpt.trainer.data;

import dev.spamgpt.core.util.TempFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The dataset files that {@code prepare} writes and {@code train} / {@code evaluate} read: UTF-8
 * CSV with the header {@code label,text}, the label as {@code 0} (ham) or {@code 1} (spam), and RFC
 * 4180 quoting, so texts with commas, quotes and line breaks round-trip.
 */
public final class DatasetCsv {

    /** The header line. */
    public static final String HEADER = "label,text";

    private DatasetCsv() {}

    /**
     * Writes examples; the file appears atomically (written beside it, then renamed).
     *
     * @param file the CSV file; parent folders are created
     * @param examples the examples
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<LabelledText> examples) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = TempFiles.sibling(file);
        try {
            try (Writer out =
                    new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8))) {
                out.write(HEADER);
                out.write('\n');
                for (LabelledText example : examples) {
                    out.write(example.label() == LabelledText.SPAM ? '1' : '0');
                    out.write(',');
                    out.write(Csv.quote(example.text(), ','));
                    out.write('\n');
                }
            }
            try {
                Files.move(
                        temp,
                        file,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Reads a dataset file. It must be exactly what {@link #write} produces (labels {@code
     * ham}/{@code spam} are accepted too); anything else fails with the line number.
     *
     * @param file the CSV file
     * @return the examples in file order
     * @throws IOException if the file cannot be read or is not a dataset CSV
     */
    public static List<LabelledText> read(Path file) throws IOException {
        List<LabelledText> examples = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                Files.newInputStream(file),
                                StandardCharsets.UTF_8
                                        .newDecoder()
                                        .onMalformedInput(CodingErrorAction.REPORT)
                                        .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
            Csv.Parser parser = new Csv.Parser(in, ',');
            Csv.Row header = parser.next();
            if (header == null
                    || !String.join(",", header.fields()).replace("\uFEFF", "").equals(HEADER)) {
                throw new IOException(
                        file
                                + ": not a dataset CSV: the first line must be '"
                                + HEADER
                                + "'"
                                + (header == null
                                        ? " (the file is empty)"
                                        : ", got '"
                                                + ReadResult.abbreviate(
                                                        String.join(",", header.fields()))
                                                + "'"));
            }
            Csv.Row row;
            while ((row = parser.next()) != null) {
                if (row.fields().size() == 1 && row.fields().get(0).isEmpty()) {
                    continue; // a blank line
                }
                String where = file + " line " + row.line();
                if (row.error() != null) {
                    throw new IOException(where + ": " + row.error());
                }
                if (row.fields().size() != 2) {
                    throw new IOException(
                            where + ": expected 2 fields (label,text), got " + row.fields().size());
                }
                int label = LabelledText.parseLabel(row.fields().get(0));
                if (label < 0) {
                    throw new IOException(
                            where
                                    + ": label must be 0 or 1, got '"
                                    + ReadResult.abbreviate(row.fields().get(0))
                                    + "'");
                }
                examples.add(new LabelledText(row.fields().get(1), label));
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        return examples;
    }
}
