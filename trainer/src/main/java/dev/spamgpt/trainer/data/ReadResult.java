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
 *
 * <p>A result made by {@link #streaming(Visitor)} hands each example to a visitor as it is read and
 * keeps only the counts, so a source of any size goes through in bounded memory; the list-returning
 * {@code read} methods of the readers are the same reading with a result that collects.
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

    /** The label of a message read from a source that has none, such as a plain mbox file. */
    public static final int UNLABELLED = -1;

    private final List<LabelledText> examples = new ArrayList<>();
    private final Visitor visitor;
    private final long[] labelled = new long[2];
    private long unlabelled;
    private final List<String> malformedSamples = new ArrayList<>();
    private final List<String> skippedSamples = new ArrayList<>();
    private int malformed;
    private int skipped;

    /** Creates an empty result that collects the examples; readers fill it. */
    public ReadResult() {
        this.visitor = null;
    }

    private ReadResult(Visitor visitor) {
        this.visitor = visitor;
    }

    /** Takes each message as a reader finds it. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * Takes one message. What it throws ends the reading and is rethrown to the caller of the
         * reader; it never counts as the record's problem.
         *
         * @param where where the message was found: {@code file:line}, a mail file's path under the
         *     folder, or {@code mbox#index} (1-based) for a message of an mbox file
         * @param text the text, not blank
         * @param label {@link LabelledText#HAM}, {@link LabelledText#SPAM} or {@link #UNLABELLED}
         */
        void message(String where, String text, int label);
    }

    /**
     * Creates a result that hands each example to {@code visitor} instead of keeping it: {@link
     * #examples()} stays empty, the counts are kept.
     *
     * @param visitor takes each message
     * @return the result to read into
     */
    public static ReadResult streaming(Visitor visitor) {
        return new ReadResult(java.util.Objects.requireNonNull(visitor, "visitor"));
    }

    /** A reading step that may fail with an I/O error. */
    @FunctionalInterface
    interface Reading {
        void run() throws IOException;
    }

    /**
     * Runs a reader into this result, and rethrows what the visitor threw as it was thrown, not
     * wrapped.
     */
    ReadResult fill(Reading reading) throws IOException {
        try {
            reading.run();
        } catch (VisitorFailure e) {
            throw e.original;
        }
        return this;
    }

    /** Carries a visitor's exception past the readers' per-record catch blocks. */
    private static final class VisitorFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final RuntimeException original;

        VisitorFailure(RuntimeException original) {
            super(original);
            this.original = original;
        }
    }

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
        return ofLines(file, ignore, parser, maxLineChars, new ReadResult());
    }

    static ReadResult ofLines(
            Path file,
            Predicate<String> ignore,
            LineParser parser,
            int maxLineChars,
            ReadResult result)
            throws IOException {
        return result.fill(() -> readLines(file, ignore, parser, maxLineChars, result));
    }

    private static void readLines(
            Path file,
            Predicate<String> ignore,
            LineParser parser,
            int maxLineChars,
            ReadResult result)
            throws IOException {
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
        if (e instanceof VisitorFailure) {
            throw (VisitorFailure) e;
        }
        if (Failures.requireNonFatal(e) instanceof StackOverflowError) {
            return "could not be read (stack overflow: nested or repeated too deeply)";
        }
        String message = e.getMessage();
        return "could not be read ("
                + e.getClass().getSimpleName()
                + (message == null ? "" : ": " + message)
                + ")";
    }

    /**
     * Takes one message: hands it to the visitor, or keeps it.
     *
     * @param where where it was found, see {@link Visitor#message}
     * @param text the text
     * @param label 0, 1, or {@link #UNLABELLED} (only a streaming result takes those)
     */
    void add(String where, String text, int label) {
        if (visitor == null) {
            examples.add(new LabelledText(text, label));
        } else {
            try {
                visitor.message(where, text, label);
            } catch (RuntimeException e) {
                throw new VisitorFailure(e);
            }
        }
        if (label == UNLABELLED) {
            unlabelled++;
        } else {
            labelled[label]++;
        }
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
     * Counts the examples with a label, streamed or kept.
     *
     * @param label 0, 1 or {@link #UNLABELLED}
     * @return the count
     */
    public long count(int label) {
        return label == UNLABELLED ? unlabelled : labelled[label];
    }
}
