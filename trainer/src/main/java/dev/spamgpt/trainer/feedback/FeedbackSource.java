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
        if (!FeedbackStores.isKafka(spec) && !Files.isDirectory(Paths.get(spec))) {
            throw new IllegalArgumentException(
                    spec + " is not a feedback folder (or kafka:TOPIC@HOST:PORT)");
        }
        List<FeedbackReport> reports = new ArrayList<>();
        FeedbackRead read;
        try (FeedbackStore store = FeedbackStores.open(spec, Map.of(), TIMEOUT)) {
            read = store.read(reports::add, false);
        }
        for (String warning : read.warnings()) {
            warnings.println("warning: feedback " + warning);
        }
        warnings.flush();
        return new Reports(reports, read.skipped());
    }
}
