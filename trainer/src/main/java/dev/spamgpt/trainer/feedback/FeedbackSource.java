package dev.spamgpt.trainer.feedback;

import dev.spamgpt.core.feedback.FeedbackRead;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.core.feedback.FeedbackStore;
import dev.spamgpt.core.feedback.FeedbackStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads every report of a feedback store, a folder or {@code kafka:TOPIC@HOSTS}, for the CLI. */
public final class FeedbackSource {

    /** The longest a Kafka store may take to hand over its reports. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** The reports and how many records the store skipped (torn or garbage). */
    public static final class Reports {
        private final List<FeedbackReport> reports;
        private final long skipped;

        Reports(List<FeedbackReport> reports, long skipped) {
            this.reports = reports;
            this.skipped = skipped;
        }

        public List<FeedbackReport> reports() {
            return reports;
        }

        public long skipped() {
            return skipped;
        }
    }

    private FeedbackSource() {}

    /**
     * @param spec a feedback folder or {@code kafka:TOPIC@HOST:PORT,...}
     * @param warnings receives the store's warnings, one line each
     * @return the reports, each id once
     * @throws IllegalArgumentException if spec names neither a folder nor a topic
     * @throws IOException if the store cannot be read
     */
    public static Reports read(String spec, PrintWriter warnings) throws IOException {
        List<FeedbackReport> reports = new ArrayList<>();
        long skipped = visit(spec, reports::add, warnings);
        return new Reports(reports, skipped);
    }

    /**
     * Hands every report of a store to {@code sink} as it is read, keeping none.
     *
     * @param spec a feedback folder or {@code kafka:TOPIC@HOST:PORT,...}
     * @param sink takes each report, each id once
     * @param warnings receives the store's warnings, one line each
     * @return how many records the store skipped (torn or garbage)
     * @throws IllegalArgumentException if spec names neither a folder nor a topic
     * @throws IOException if the store cannot be read
     */
    public static long visit(String spec, Consumer<FeedbackReport> sink, PrintWriter warnings)
            throws IOException {
        if (!FeedbackStores.isKafka(spec) && !Files.isDirectory(Paths.get(spec))) {
            throw new IllegalArgumentException(
                    spec + " is not a feedback folder (or kafka:TOPIC@HOST:PORT)");
        }
        FeedbackRead read;
        try (FeedbackStore store = FeedbackStores.open(spec, Map.of(), TIMEOUT)) {
            read = store.read(sink, false);
        }
        for (String warning : read.warnings()) {
            warnings.println("warning: feedback " + warning);
        }
        warnings.flush();
        return read.skipped();
    }
}
