package dev.spamgpt.trainer.feedback;

import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.trainer.data.LabelledText;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns feedback reports into training examples, in four steps, each counted in the {@link
 * FeedbackSummary}:
 *
 * <ol>
 *   <li><b>No text.</b> A report of a mail without text is dropped: the model has nothing to read.
 *   <li><b>Already known.</b> A report that agrees with the verdict the message got at delivery
 *       (spam moved into Spam that was already flagged) teaches nothing new: skipped by default,
 *       kept with {@link Known#KEEP}.
 *   <li><b>Daily cap.</b> At most {@code dailyCap} reports per user per UTC day, the earliest
 *       first; the rest are dropped.
 *   <li><b>One example per message.</b> Reports are grouped by digest. A user's move outranks an
 *       implicit ham report (mail that merely stayed in the inbox): where a message has both, the
 *       implicit ones are dropped. Many users reporting one message count once. When the labels
 *       disagree, the label more distinct users gave wins; on a tie, the label of the latest
 *       report. Each such digest is a conflict.
 *   <li><b>User share.</b> No user's examples may pass {@code max(ceil(share x N), shareFloor)} of
 *       the N examples; a seeded sample of the excess is dropped. An example belongs to the first
 *       user who gave its winning label. The floor keeps a small server with one busy user usable.
 * </ol>
 */
public final class FeedbackGuards {

    /** What to do with reports the model already got right. */
    public enum Known {
        SKIP,
        KEEP
    }

    /** The guards' settings. */
    public static final class Settings {
        final Known known;
        final int dailyCap;
        final double share;
        final int shareFloor;
        final long seed;

        /**
         * @param known what to do with already-known reports
         * @param dailyCap most reports per user per UTC day, at least 1
         * @param share most share of the examples one user gives, in (0, 1]
         * @param shareFloor the share cap never goes below this many examples
         * @param seed seed of the share sample
         */
        public Settings(Known known, int dailyCap, double share, int shareFloor, long seed) {
            if (dailyCap < 1) {
                throw new IllegalArgumentException("the daily cap must be at least 1: " + dailyCap);
            }
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("the user share must be in (0, 1]: " + share);
            }
            if (shareFloor < 0) {
                throw new IllegalArgumentException("the share floor must be >= 0: " + shareFloor);
            }
            this.known = known;
            this.dailyCap = dailyCap;
            this.share = share;
            this.shareFloor = shareFloor;
            this.seed = seed;
        }

        /** Skip known, 50 a day, 20% share with a floor of 100 examples. */
        public static Settings defaults(long seed) {
            return new Settings(Known.SKIP, 50, 0.2, 100, seed);
        }
    }

    /** The guards' output: the examples and what happened on the way. */
    public static final class Result {
        private final List<LabelledText> examples;
        private final FeedbackSummary summary;

        Result(List<LabelledText> examples, FeedbackSummary summary) {
            this.examples = examples;
            this.summary = summary;
        }

        public List<LabelledText> examples() {
            return examples;
        }

        public FeedbackSummary summary() {
            return summary;
        }
    }

    private FeedbackGuards() {}

    /**
     * @param reports the reports, each id once (as {@code FeedbackStore.read} gives them)
     * @param settings the guards' settings
     * @return one example per surviving message, in digest order, and the summary
     */
    public static Result apply(List<FeedbackReport> reports, Settings settings) {
        FeedbackSummary summary = new FeedbackSummary();
        summary.reports = reports.size();
        List<FeedbackReport> kept = new ArrayList<>();
        for (FeedbackReport r : reports) {
            summary.implicit += r.implicit() ? 1 : 0;
            if (r.text().isBlank()) {
                // A mail without text (an image, an empty body) has nothing for the model to read.
                summary.dropped.merge("no_text", 1L, Long::sum);
                continue;
            }
            if (r.alreadyKnown()) {
                summary.alreadyKnown++;
                if (settings.known == Known.SKIP) {
                    summary.dropped.merge("already_known", 1L, Long::sum);
                    continue;
                }
            }
            kept.add(r);
        }
        kept = dailyCap(kept, settings.dailyCap, summary);

        Map<String, List<FeedbackReport>> byDigest = new LinkedHashMap<>();
        kept.stream()
                .sorted(Comparator.comparing(FeedbackReport::digest))
                .forEach(r -> byDigest.computeIfAbsent(r.digest(), d -> new ArrayList<>()).add(r));
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, List<FeedbackReport>> e : byDigest.entrySet()) {
            candidates.add(decide(e.getKey(), explicitFirst(e.getValue(), summary), summary));
        }
        List<Candidate> fair = shareCap(candidates, settings, summary);
        List<LabelledText> examples = new ArrayList<>();
        for (Candidate c : fair) {
            examples.add(
                    new LabelledText(
                            c.text,
                            c.label == FeedbackLabel.SPAM ? LabelledText.SPAM : LabelledText.HAM));
            summary.byLabel.merge(c.label.wireName(), 1L, Long::sum);
            summary.byUser.merge(c.owner, 1L, Long::sum);
        }
        summary.examples = examples.size();
        return new Result(examples, summary);
    }

    private static List<FeedbackReport> dailyCap(
            List<FeedbackReport> reports, int cap, FeedbackSummary summary) {
        Map<String, Integer> perUserDay = new HashMap<>();
        List<FeedbackReport> kept = new ArrayList<>();
        List<FeedbackReport> byTime = new ArrayList<>(reports);
        byTime.sort(
                Comparator.comparing(FeedbackGuards::instant).thenComparing(FeedbackReport::id));
        for (FeedbackReport r : byTime) {
            String key = r.user() + "\n" + instant(r).atOffset(ZoneOffset.UTC).toLocalDate();
            int n = perUserDay.merge(key, 1, Integer::sum);
            if (n > cap) {
                summary.dropped.merge("daily_cap", 1L, Long::sum);
            } else {
                kept.add(r);
            }
        }
        return kept;
    }

    private static Instant instant(FeedbackReport r) {
        try {
            return Instant.parse(r.reportedAt());
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static final class Candidate {
        final String digest;
        final FeedbackLabel label;
        final String text;
        final String owner;

        Candidate(String digest, FeedbackLabel label, String text, String owner) {
            this.digest = digest;
            this.label = label;
            this.text = text;
            this.owner = owner;
        }
    }

    /** A message's reports without the implicit ones when a user moved it. */
    private static List<FeedbackReport> explicitFirst(
            List<FeedbackReport> reports, FeedbackSummary summary) {
        List<FeedbackReport> explicit =
                reports.stream().filter(r -> !r.implicit()).collect(Collectors.toList());
        if (explicit.isEmpty() || explicit.size() == reports.size()) {
            return reports;
        }
        summary.dropped.merge(
                "implicit_overruled", (long) (reports.size() - explicit.size()), Long::sum);
        return explicit;
    }

    private static Candidate decide(
            String digest, List<FeedbackReport> reports, FeedbackSummary summary) {
        Map<FeedbackLabel, Set<String>> users = new HashMap<>();
        FeedbackReport latest = null;
        for (FeedbackReport r : reports) {
            users.computeIfAbsent(r.label(), l -> new HashSet<>()).add(r.user());
            if (latest == null || instant(r).compareTo(instant(latest)) >= 0) {
                latest = r;
            }
        }
        FeedbackLabel winner;
        if (users.size() == 1) {
            winner = users.keySet().iterator().next();
        } else {
            int spam = users.get(FeedbackLabel.SPAM).size();
            int ham = users.get(FeedbackLabel.HAM).size();
            winner =
                    spam > ham
                            ? FeedbackLabel.SPAM
                            : ham > spam ? FeedbackLabel.HAM : latest.label();
            summary.conflicts++;
            if (summary.conflictSamples.size() < FeedbackSummary.MAX_SAMPLES) {
                summary.conflictSamples.add(
                        digest.substring(0, 12)
                                + ": "
                                + spam
                                + " spam vs "
                                + ham
                                + " ham users -> "
                                + winner.wireName());
            }
        }
        FeedbackLabel label = winner;
        List<FeedbackReport> agreeing =
                reports.stream().filter(r -> r.label() == label).collect(Collectors.toList());
        summary.duplicates += reports.size() - 1;
        FeedbackReport first =
                agreeing.stream().min(Comparator.comparing(FeedbackGuards::instant)).orElseThrow();
        FeedbackReport newest =
                agreeing.stream().max(Comparator.comparing(FeedbackGuards::instant)).orElseThrow();
        return new Candidate(digest, label, newest.text(), first.user());
    }

    private static List<Candidate> shareCap(
            List<Candidate> candidates, Settings settings, FeedbackSummary summary) {
        int n = candidates.size();
        long cap = Math.max((long) Math.ceil(settings.share * n), settings.shareFloor);
        Map<String, List<Candidate>> byOwner = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            byOwner.computeIfAbsent(c.owner, o -> new ArrayList<>()).add(c);
        }
        Set<String> dropped = new HashSet<>();
        Random random = new Random(settings.seed);
        for (List<Candidate> own : byOwner.values()) {
            if (own.size() > cap) {
                List<Candidate> shuffled = new ArrayList<>(own);
                Collections.shuffle(shuffled, random);
                for (Candidate c : shuffled.subList((int) cap, shuffled.size())) {
                    dropped.add(c.digest);
                }
            }
        }
        summary.dropped.merge("user_share", (long) dropped.size(), Long::sum);
        return candidates.stream()
                .filter(c -> !dropped.contains(c.digest))
                .collect(Collectors.toList());
    }
}
