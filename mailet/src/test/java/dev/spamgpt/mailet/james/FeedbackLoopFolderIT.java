package dev.spamgpt.mailet.james;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link FeedbackLoop} on the default store, a folder on the mail server's disk. */
class FeedbackLoopFolderIT extends FeedbackLoop {

    @Test
    void theFolderStoreFeedsTheTrainer() throws Exception {
        Path store = tmp.resolve("feedback");
        loop(store.toString(), () -> StoredReports.folder(store));
    }
}
