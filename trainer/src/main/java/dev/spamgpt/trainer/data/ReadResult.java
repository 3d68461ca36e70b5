package dev.spamgpt.trainer.data;

import dev.spamgpt.core.util.Failures;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a reader got out of a source: the examples, and every record it could not use, counted
 * (never silently dropped) with the first few reasons kept for the report.
 */
public final class ReadResult {

    /** How many problem descriptions are kept; the counts always cover every record. */
    public static final int MAX_REPORTED = 20;

    /**
     * The default of {@code prepare --max-line-chars}: the longest line (for CSV, record) a reader
     * keeps. A longer one is malformed and reading resumes at the next line.
     */
    public static final int DEFAULT_MAX_LINE_CHARS = 1 << 20;

    /** How many characters of a value from the input a problem description echoes. */
    static final int MAX_ECHOED_CHARS = 80;

    /** The longest problem description kept, whatever the reader put in it. */
    private static final int MAX_DESCRIPTION_CHARS = 300;

    private final List<LabelledText> examples = new ArrayList<>();
    private final List<String> malformedSamples = new ArrayList<>();
    private final List<String> skippedSamples = new ArrayList<>();
    private int malformed;
    private int skipped;

    /** Creates an empty result; readers fill it. */
    public ReadResult() {}

    /** Turns one line of a line-based source into an example or a malformed count. */
    @FunctionalInterface
    public interface LineParser {
        /**
         * Parses a line.
         *
         * @param where {@code file:line}, for the report
         * @param line the line, without its terminator
         * @param result where to add the example or record the problem
         */
        void parse(String where, String line, ReadResult result);
    }

    /**
     * Reads a UTF-8 text file line by line (invalid bytes become U+FFFD instead of failing).
     *
     * @param file the file
     * @param ignore lines to pass over without counting them, such as empty ones
     * @param parser handles every other line
     * @return what the parser collected
     * @throws IOException if the file cannot be read
     */
    public static ReadResult ofLines(Path file, Predicate<String> ignore, LineParser parser)
            throws IOException {
        return ofLines(file, ignore, parser, DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads a UTF-8 text file line by line, with a bound on the line length.
     *
     * @param file the file
     * @param ignore lines to pass over without counting them, such as empty ones
     * @param parser handles every other line
     * @param maxLineChars a longer line is malformed, the parser never sees it
     * @return what the parser collected
     * @throws IOException if the file cannot be read
     */
    public static ReadResult ofLines(
            Path file, Predicate<String> ignore, LineParser parser, int maxLineChars)
            throws IOException {
        ReadResult result = new ReadResult();
        try (LineReader in =
                new LineReader(
                        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8),
                        maxLineChars)) {
            LineReader.Line line;
            while ((line = in.next()) != null) {
                String where = file.getFileName() + ":" + line.number();
                if (line.tooLong()) {
                    result.malformed(where, tooLong(maxLineChars));
                } else if (!ignore.test(line.text())) {
                    try {
                        parser.parse(where, line.text(), result);
                    } catch (RuntimeException | StackOverflowError e) {
                        result.malformed(where, failure(e));
                    }
                }
            }
        }
        return result;
    }

    /** The reason given for a line or record over the limit. */
    static String tooLong(int maxLineChars) {
        return "longer than " + maxLineChars + " characters (see --max-line-chars)";
    }

    /**
     * Shortens a value from the input for a message: at most {@value #MAX_ECHOED_CHARS} characters,
     * line breaks and other control characters escaped, so that one record can neither flood the
     * report nor fake lines in it.
     *
     * @param value the value
     * @return the value as it can be shown
     */
    static String abbreviate(String value) {
        return abbreviate(value, MAX_ECHOED_CHARS);
    }

    static String abbreviate(String value, int max) {
        StringBuilder shown = new StringBuilder(Math.min(value.length(), max) + 16);
        int i = 0;
        for (; i < value.length() && shown.length() < max; i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                shown.append("\\n");
            } else if (c == '\r') {
                shown.append("\\r");
            } else if (c == '\t') {
                shown.append("\\t");
            } else if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        if (i < value.length()) {
            shown.append("... (").append(value.length()).append(" characters)");
        }
        return shown.toString();
    }

    /**
     * Describes what went wrong with one record, for its malformed count. The one rule of every
     * reader: anything thrown while one record is read or extracted is that record's problem,
     * including a {@link StackOverflowError} from a crafted input; any other {@link
     * VirtualMachineError} (a real {@link OutOfMemoryError}) is rethrown, since the JVM may not be
     * able to go on after it.
     *
     * @param e what was thrown
     * @return the reason to report
     */
    static String failure(Throwable e) {
        if (Failures.requireNonFatal(e) instanceof StackOverflowError) {
            return "could not be read (stack overflow: nested or repeated too deeply)";
        }
        String message = e.getMessage();
        return "could not be read ("
                + e.getClass().getSimpleName()
                + (message == null ? "" : ": " + message)
                + ")";
    }

    void add(LabelledText example) {
        examples.add(example);
    }

    /** Counts a record that looked like data but could not be used. */
    void malformed(String where, String why) {
        malformed++;
        if (malformedSamples.size() < MAX_REPORTED) {
            malformedSamples.add(abbreviate(where + ": " + why, MAX_DESCRIPTION_CHARS));
        }
    }

    /** Counts an input that is not data at all, such as a README beside mail files. */
    void skipped(String where, String why) {
        skipped++;
        if (skippedSamples.size() < MAX_REPORTED) {
            skippedSamples.add(abbreviate(where + ": " + why, MAX_DESCRIPTION_CHARS));
        }
    }

    /**
     * Returns the examples in source order.
     *
     * @return the examples, unmodifiable
     */
    public List<LabelledText> examples() {
        return Collections.unmodifiableList(examples);
    }

    /**
     * Returns how many records were malformed (bad label, no text, unparseable line...).
     *
     * @return the count
     */
    public int malformed() {
        return malformed;
    }

    /**
     * Returns the first {@value #MAX_REPORTED} malformed records as {@code where: why}.
     *
     * @return the descriptions, unmodifiable
     */
    public List<String> malformedSamples() {
        return Collections.unmodifiableList(malformedSamples);
    }

    /**
     * Returns how many inputs were not data and were skipped (only mail folders have these).
     *
     * @return the count
     */
    public int skipped() {
        return skipped;
    }

    /**
     * Returns the first {@value #MAX_REPORTED} skipped inputs as {@code where: why}.
     *
     * @return the descriptions, unmodifiable
     */
    public List<String> skippedSamples() {
        return Collections.unmodifiableList(skippedSamples);
    }

    /**
     * Counts the examples with a label.
     *
     * @param label 0 or 1
     * @return the count
     */
    public long count(int label) {
        return examples.stream().filter(e -> e.label() == label).count();
    }
}
