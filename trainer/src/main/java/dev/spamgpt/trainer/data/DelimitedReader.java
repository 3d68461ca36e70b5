package dev.spamgpt.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code label<TAB>text} (TSV) or {@code label,text} (CSV) files; labels are {@code ham},
 * {@code spam}, {@code 0} or {@code 1}.
 *
 * <p>A first row whose label is not a label is a header. Its columns are matched by name ({@code
 * label}, {@code class}, {@code category}, {@code v1}... and {@code text}, {@code message}, {@code
 * sms}, {@code v2}...), so {@code text,label} files and the Kaggle {@code spam.csv} ({@code v1,v2})
 * work too. Without a header the label comes first and the text is the rest of the row.
 *
 * <p>CSV files use RFC 4180 quoting (texts may hold commas, quotes and line breaks). TSV files are
 * split on TABs only: quotes are ordinary characters there.
 */
public final class DelimitedReader {

    private static final Set<String> LABEL_COLUMNS =
            Set.of(
                    "label",
                    "labels",
                    "class",
                    "category",
                    "type",
                    "v1",
                    "target",
                    "is_spam",
                    "spam");
    private static final Set<String> TEXT_COLUMNS =
            Set.of("text", "message", "messages", "sms", "body", "content", "email", "mail", "v2");

    private DelimitedReader() {}

    /**
     * Reads a TSV file.
     *
     * @param file the file
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read or its header names no label/text columns
     */
    public static ReadResult readTsv(Path file) throws IOException {
        return readTsv(file, ReadResult.DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads a TSV file whose lines are at most {@code maxLineChars} long; a longer line is
     * malformed and reading goes on with the next one.
     *
     * @param file the file
     * @param maxLineChars the longest line kept
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read or its header names no label/text columns
     */
    public static ReadResult readTsv(Path file, int maxLineChars) throws IOException {
        return readTsv(file, maxLineChars, new ReadResult());
    }

    static ReadResult readTsv(Path file, int maxLineChars, ReadResult into) throws IOException {
        try (LineReader in = new LineReader(open(file), maxLineChars)) {
            return read(
                    into,
                    file,
                    () -> {
                        LineReader.Line line = in.next();
                        if (line == null) {
                            return null;
                        }
                        return line.tooLong()
                                ? new Csv.Row(
                                        line.number(), List.of(), ReadResult.tooLong(maxLineChars))
                                : new Csv.Row(
                                        line.number(), List.of(line.text().split("\t", -1)), null);
                    },
                    "\t");
        }
    }

    /**
     * Reads a CSV file.
     *
     * @param file the file
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read or its header names no label/text columns
     */
    public static ReadResult readCsv(Path file) throws IOException {
        return readCsv(file, ReadResult.DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads a CSV file whose records are at most {@code maxRecordChars} long. A longer record, such
     * as an open quote that is never closed, is malformed, and reading resumes after the first line
     * break past the limit (see {@link Csv}).
     *
     * @param file the file
     * @param maxRecordChars the longest record kept, quoted line breaks included
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read or its header names no label/text columns
     */
    public static ReadResult readCsv(Path file, int maxRecordChars) throws IOException {
        return readCsv(file, maxRecordChars, new ReadResult());
    }

    static ReadResult readCsv(Path file, int maxRecordChars, ReadResult into) throws IOException {
        try (BufferedReader in = open(file)) {
            Csv.Parser parser = new Csv.Parser(in, ',', maxRecordChars);
            return read(into, file, parser::next, ",");
        }
    }

    /** A source of rows: TSV lines or CSV records. */
    private interface Rows {
        Csv.Row next() throws IOException;
    }

    private static ReadResult read(ReadResult result, Path file, Rows rows, String joiner)
            throws IOException {
        return result.fill(() -> readRows(result, file, rows, joiner));
    }

    private static void readRows(ReadResult result, Path file, Rows rows, String joiner)
            throws IOException {
        int labelColumn = 0;
        int textColumn = 1;
        boolean textTakesRest = true; // the text runs from textColumn to the end of the row
        boolean first = true;
        Csv.Row row;
        while ((row = rows.next()) != null) {
            List<String> fields = row.fields();
            String where = file.getFileName() + ":" + row.line();
            if (fields.isEmpty()) { // over the length limit: never a header
                first = false;
                result.malformed(where, row.error());
                continue;
            }
            if (fields.size() == 1 && fields.get(0).isBlank()) {
                continue;
            }
            if (first) {
                first = false;
                if (LabelledText.parseLabel(fields.get(0)) < 0) {
                    int[] columns = header(file, fields);
                    if (columns != null) {
                        labelColumn = columns[0];
                        // A text column that ends the header takes the rest of the row, so
                        // unquoted commas in a text do not cut it.
                        textColumn = columns[1];
                        textTakesRest = columns[1] == lastNonEmpty(fields);
                        continue;
                    }
                }
            }
            if (row.error() != null) {
                result.malformed(where, row.error());
                continue;
            }
            if (fields.size() < 2) {
                result.malformed(
                        where,
                        "no "
                                + (joiner.equals("\t") ? "TAB" : "comma")
                                + " between label and text");
                continue;
            }
            if (labelColumn >= fields.size() || textColumn >= fields.size()) {
                result.malformed(where, "only " + fields.size() + " columns");
                continue;
            }
            String labelField = fields.get(labelColumn);
            int label = LabelledText.parseLabel(labelField);
            String text = textTakesRest ? rest(fields, textColumn, joiner) : fields.get(textColumn);
            if (label < 0) {
                result.malformed(
                        where,
                        "label is '"
                                + ReadResult.abbreviate(labelField)
                                + "', expected ham, spam, 0 or 1");
            } else if (text.isBlank()) {
                result.malformed(where, "empty text");
            } else {
                result.add(where, text, label);
            }
        }
    }

    /** The fields from {@code start} to the end, joined, without trailing empty fields. */
    private static String rest(List<String> fields, int start, String joiner) {
        int end = fields.size();
        while (end > start + 1 && fields.get(end - 1).isEmpty()) {
            end--;
        }
        return String.join(joiner, fields.subList(start, end));
    }

    private static int lastNonEmpty(List<String> fields) {
        int last = fields.size() - 1;
        while (last > 0 && fields.get(last).isBlank()) {
            last--;
        }
        return last;
    }

    /**
     * Finds the label and text columns of a header. Returns null for a row that does not look like
     * a header (it is then a malformed data row); fails for a header without those columns.
     */
    private static int[] header(Path file, List<String> fields) throws IOException {
        int label = -1;
        int text = -1;
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.get(i).trim().toLowerCase(Locale.ROOT);
            if (label < 0 && LABEL_COLUMNS.contains(name)) {
                label = i;
            } else if (text < 0 && TEXT_COLUMNS.contains(name)) {
                text = i;
            }
        }
        if (label >= 0 && text >= 0) {
            return new int[] {label, text};
        }
        boolean headerLike =
                label >= 0
                        || text >= 0
                        || fields.stream()
                                .allMatch(
                                        f -> !f.isBlank() && f.length() <= 40 && !f.contains(" "));
        if (!headerLike) {
            return null; // an ordinary malformed row
        }
        throw new IOException(
                file
                        + ": the first row "
                        + ReadResult.abbreviate(Arrays.toString(fields.toArray()), 200)
                        + " is neither data (its first field is not ham, spam, 0 or 1) nor a header"
                        + " with a label column ("
                        + String.join("/", LABEL_COLUMNS.stream().sorted().toList())
                        + ") and a text column ("
                        + String.join("/", TEXT_COLUMNS.stream().sorted().toList())
                        + ")");
    }

    private static BufferedReader open(Path file) throws IOException {
        // InputStreamReader replaces invalid UTF-8 with U+FFFD instead of failing.
        Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(reader);
        in.mark(1);
        if (in.read() != '\uFEFF') {
            in.reset();
        }
        return in;
    }
}
