package dev.spamgpt.trainer.backtest;

import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.feedback.FeedbackSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every report of a feedback store, a folder or {@code kafka:TOPIC@HOSTS}: the message's text with
 * the label the user gave it. A message two users reported is replayed once per report, since each
 * report is one verdict a model would have had to get right.
 */
final class FeedbackMessages implements MessageSource {

    private final String spec;
    private long skipped;
    private long empty;

    FeedbackMessages(String spec) {
        this.spec = spec;
    }

    @Override
    public String kind() {
        return "feedback";
    }

    @Override
    public boolean isMail() {
        return false;
    }

    @Override
    public void replay(Consumer<BacktestMessage> sink, PrintWriter warnings) throws IOException {
        skipped =
                FeedbackSource.visit(
                        spec,
                        report -> {
                            if (report.text() == null || report.text().isBlank()) {
                                empty++;
                                return;
                            }
                            int label =
                                    report.label() == FeedbackLabel.SPAM
                                            ? LabelledText.SPAM
                                            : LabelledText.HAM;
                            sink.accept(
                                    new BacktestMessage(
                                            report.id(),
                                            LabelledText.name(label),
                                            label,
                                            report.text()));
                        },
                        warnings);
        if (empty > 0) {
            warnings.println("feedback: " + empty + " reports without text were not scored");
            warnings.flush();
        }
    }

    @Override
    public long problems() {
        return skipped + empty;
    }

    @Override
    public long skipped() {
        return 0;
    }

    @Override
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("store", spec);
        s.put("unreadable_records", skipped);
        s.put("reports_without_text", empty);
        return s;
    }
}
