package dev.spamgpt.core.feedback;

import java.nio.file.Paths;

/**
 * A writer for the crash test: appends reports to the folder in its first argument forever and
 * prints each id after {@link FolderFeedbackStore#append} returned, so every printed id is an
 * acknowledged report.
 */
public final class FeedbackWriterProcess {

    private FeedbackWriterProcess() {}

    public static void main(String[] args) throws Exception {
        int first = Integer.parseInt(args[1]);
        try (FolderFeedbackStore store = new FolderFeedbackStore(Paths.get(args[0]), 4096)) {
            for (int n = first; ; n++) {
                FeedbackReport report = Reports.report(n, true);
                store.append(report);
                System.out.println(report.id());
                System.out.flush();
            }
        }
    }
}
