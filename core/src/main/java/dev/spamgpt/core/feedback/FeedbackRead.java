package dev.spamgpt.core.feedback;

import java.util.List;
import java.util.Objects;

/**
 * What one {@link FeedbackStore#read} found.
 *
 * <p>{@code warnings} holds at most a few lines, each naming a skipped record and why (such as a
 * torn last line of a segment after a crash).
 */
public final class FeedbackRead {

    private final long reports;
    private final long duplicates;
    private final long skipped;
    private final List<String> warnings;

    /**
     * @param reports reports passed to the sink
     * @param duplicates stored copies of an id already read, not passed on
     * @param skipped records that could not be read (torn, not JSON, not a report)
     * @param warnings a few of the skipped records, described
     */
    public FeedbackRead(long reports, long duplicates, long skipped, List<String> warnings) {
        this.reports = reports;
        this.duplicates = duplicates;
        this.skipped = skipped;
        this.warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    public long reports() {
        return reports;
    }

    public long duplicates() {
        return duplicates;
    }

    public long skipped() {
        return skipped;
    }

    public List<String> warnings() {
        return warnings;
    }
}
