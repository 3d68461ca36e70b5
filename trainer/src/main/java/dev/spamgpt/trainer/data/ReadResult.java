package dev.spamgpt.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a reader got out of a source: the examples, and every record it could not use, counted
 * (never silently dropped) with the first few reasons kept for the report.
 */
public final class ReadResult {

    /** How many problem descriptions are kept; the counts always cover every record. */
    public static final int MAX_REPORTED = 20;

    private final List<LabelledText> examples = new ArrayList<>();
    private final List<String> malformedSamples = new ArrayList<>();
    private final List<String> skippedSamples = new ArrayList<>();
    private int malformed;
    private int skipped;

    /** Creates an empty result; readers fill it. */
    public ReadResult() {}

    void add(LabelledText example) {
        examples.add(example);
    }

    /** Counts a record that looked like data but could not be used. */
    void malformed(String where, String why) {
        malformed++;
        if (malformedSamples.size() < MAX_REPORTED) {
            malformedSamples.add(where + ": " + why);
        }
    }

    /** Counts an input that is not data at all, such as a README beside mail files. */
    void skipped(String where, String why) {
        skipped++;
        if (skippedSamples.size() < MAX_REPORTED) {
            skippedSamples.add(where + ": " + why);
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
