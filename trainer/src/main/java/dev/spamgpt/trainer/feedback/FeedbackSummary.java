package dev.spamgpt.trainer.feedback;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link FeedbackGuards} did with a store's reports: printed by prepare, kept in dataset.json.
 */
public final class FeedbackSummary {

    static final int MAX_SAMPLES = 10;
    private static final int TOP_USERS = 5;

    long reports;
    long examples;
    long duplicates;
    long conflicts;
    long alreadyKnown;
    long implicit;
    final Map<String, Long> byLabel = new TreeMap<>();
    final Map<String, Long> byUser = new TreeMap<>();
    final Map<String, Long> dropped = new TreeMap<>();
    final List<String> conflictSamples = new ArrayList<>();

    public long reports() {
        return reports;
    }

    public long examples() {
        return examples;
    }

    /** Reports beyond the first of each message: other users, or the same user again. */
    public long duplicates() {
        return duplicates;
    }

    public long conflicts() {
        return conflicts;
    }

    public long alreadyKnown() {
        return alreadyKnown;
    }

    /** Implicit ham reports read: mail that stayed in the inbox, moved by nobody. */
    public long implicit() {
        return implicit;
    }

    /**
     * Dropped reports or examples by reason: no_text, already_known, daily_cap, implicit_overruled,
     * user_share.
     */
    public Map<String, Long> dropped() {
        return dropped;
    }

    public Map<String, Long> byLabel() {
        return byLabel;
    }

    public Map<String, Long> byUser() {
        return byUser;
    }

    public List<String> conflictSamples() {
        return conflictSamples;
    }

    /** The dataset.json form. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("reports", reports);
        json.put("examples", examples);
        json.put("by_label", byLabel);
        json.put("duplicates", duplicates);
        json.put("conflicts", conflicts);
        json.put("conflict_examples", conflictSamples);
        json.put("already_known", alreadyKnown);
        json.put("implicit", implicit);
        json.put("dropped", dropped);
        json.put("users", byUser.size());
        json.put("top_user_shares", topShares());
        return json;
    }

    private Map<String, String> topShares() {
        Map<String, String> top = new LinkedHashMap<>();
        byUser.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .limit(TOP_USERS)
                .forEach(
                        e ->
                                top.put(
                                        e.getKey(),
                                        String.format(
                                                Locale.ROOT,
                                                "%.1f%%",
                                                100.0 * e.getValue() / Math.max(1, examples))));
        return top;
    }

    /** The report prepare prints. */
    public void print(String source, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "Feedback from %s: %d reports -> %d examples (%s)%n",
                source,
                reports,
                examples,
                byLabel.isEmpty() ? "none" : byLabel.toString().replaceAll("[{}]", ""));
        out.printf(
                Locale.ROOT,
                "  duplicates %d, conflicts %d, already known %d, implicit %d, dropped %s, users"
                        + " %d%n",
                duplicates,
                conflicts,
                alreadyKnown,
                implicit,
                dropped.isEmpty() ? "none" : dropped.toString().replaceAll("[{}]", ""),
                byUser.size());
        for (String c : conflictSamples) {
            out.println("  conflict " + c);
        }
        topShares().forEach((user, share) -> out.println("  user " + user + ": " + share));
    }
}
