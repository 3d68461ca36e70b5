package dev.spamgpt.core.feedback;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Where feedback reports are kept: an append-only folder on the mail server's disk, or a Kafka
 * topic when several mail servers share one training set.
 *
 * <p>Writers call {@link #append} from James's event bus, which retries a failed event: storing the
 * same report (same {@link FeedbackReport#id()}) twice must not make it count twice, so {@link
 * #read} returns each id once, the first stored copy.
 */
public interface FeedbackStore extends Closeable {

    /**
     * Stores one report durably: when this returns, the report survives a crash of this process.
     *
     * @param report the report, with its raw message if any
     * @throws IOException if it could not be stored; nothing half-written is ever read back
     */
    void append(FeedbackReport report) throws IOException;

    /**
     * Reads every stored report in the order it was stored, each id once.
     *
     * @param sink takes each report
     * @param withRaw whether to load each report's raw message too ({@link FeedbackReport#raw()} is
     *     empty otherwise); the trainer needs only the text
     * @return what was read and what was skipped
     * @throws IOException if the store cannot be read at all; one damaged record is skipped and
     *     counted instead
     */
    FeedbackRead read(Consumer<FeedbackReport> sink, boolean withRaw) throws IOException;
}
