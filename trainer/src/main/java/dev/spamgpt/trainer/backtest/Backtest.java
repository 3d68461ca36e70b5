package dev.spamgpt.trainer.backtest;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Scores messages in batches with a candidate and an optional baseline, each at its own threshold,
 * and keeps only counts and a capped list of flips: the memory it takes is one batch of texts plus
 * the kept flips, whatever the number of messages.
 *
 * <p>Not thread-safe: one reader feeds it.
 */
public final class Backtest implements Consumer<BacktestMessage> {

    /** The longest subject or first words kept of a flipped message. */
    public static final int MAX_SUBJECT_CHARS = 120;

    private final SpamScorer candidate;
    private final SpamScorer baseline;
    private final int batchSize;
    private final int maxFlips;
    private final LongConsumer progress;
    private final List<BacktestMessage> batch;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Flip> flips = new ArrayList<>();
    private long messages;
    private long flipCount;
    private long toSpam;

    /**
     * Creates a backtest.
     *
     * @param candidate the model under test
     * @param baseline the model to compare with, or null
     * @param batchSize messages scored per call
     * @param maxFlips flips kept for the report; the rest are only counted
     * @param progress told the number of messages scored so far after each batch
     */
    public Backtest(
            SpamScorer candidate,
            SpamScorer baseline,
            int batchSize,
            int maxFlips,
            LongConsumer progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (maxFlips < 0) {
            throw new IllegalArgumentException("max flips must be >= 0, got " + maxFlips);
        }
        this.candidate = candidate;
        this.baseline = baseline;
        this.batchSize = batchSize;
        this.maxFlips = maxFlips;
        this.progress = progress;
        this.batch = new ArrayList<>(batchSize);
    }

    /** Where the messages of one label or folder went. */
    public static final class Group {
        private final String name;
        private final int label;
        private long messages;
        // [baseline verdict][candidate verdict], 0 ham and 1 spam; without a baseline, row 0.
        private final long[][] matrix = new long[2][2];

        Group(String name, int label) {
            this.name = name;
            this.label = label;
        }

        /** The label or folder name. */
        public String name() {
            return name;
        }

        /** 0, 1 or {@link ReadResult#UNLABELLED}. */
        public int label() {
            return label;
        }

        /** How many messages it holds. */
        public long messages() {
            return messages;
        }

        /**
         * Messages the candidate calls spam ({@code true}) or ham.
         *
         * @param spam which verdict
         * @return the count
         */
        public long candidate(boolean spam) {
            int c = spam ? 1 : 0;
            return matrix[0][c] + matrix[1][c];
        }

        /**
         * Messages the baseline calls spam ({@code true}) or ham; all zero without one.
         *
         * @param spam which verdict
         * @return the count
         */
        public long baseline(boolean spam) {
            int b = spam ? 1 : 0;
            return matrix[b][0] + matrix[b][1];
        }

        /**
         * One cell of the baseline-by-candidate matrix.
         *
         * @param baselineSpam the baseline's verdict
         * @param candidateSpam the candidate's verdict
         * @return the count
         */
        public long cell(boolean baselineSpam, boolean candidateSpam) {
            return matrix[baselineSpam ? 1 : 0][candidateSpam ? 1 : 0];
        }
    }

    /**
     * A message whose verdict differs between the two models.
     *
     * @param id where it came from
     * @param group its label or folder
     * @param label 0, 1 or {@link ReadResult#UNLABELLED}
     * @param subject its first line, bounded and cleaned for one line of output
     * @param baselineScore the baseline's spam probability
     * @param candidateScore the candidate's spam probability
     * @param toSpam whether the candidate calls it spam (the baseline then calls it ham)
     */
    public record Flip(
            String id,
            String group,
            int label,
            String subject,
            float baselineScore,
            float candidateScore,
            boolean toSpam) {}

    @Override
    public void accept(BacktestMessage message) {
        batch.add(message);
        if (batch.size() >= batchSize) {
            flush();
        }
    }

    /** Scores what is left of the last batch; call it once the source is read. */
    public void finish() {
        flush();
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<String> texts = new ArrayList<>(batch.size());
        for (BacktestMessage m : batch) {
            texts.add(m.text());
        }
        float[] c = candidate.spamProbabilities(texts);
        float[] b = baseline == null ? null : baseline.spamProbabilities(texts);
        for (int i = 0; i < batch.size(); i++) {
            BacktestMessage m = batch.get(i);
            boolean candidateSpam = candidate.isSpam(c[i]);
            boolean baselineSpam = b != null && baseline.isSpam(b[i]);
            Group g = groups.computeIfAbsent(m.group(), name -> new Group(name, m.label()));
            g.messages++;
            g.matrix[baselineSpam ? 1 : 0][candidateSpam ? 1 : 0]++;
            if (b != null && baselineSpam != candidateSpam) {
                flipCount++;
                toSpam += candidateSpam ? 1 : 0;
                if (flips.size() < maxFlips) {
                    flips.add(
                            new Flip(
                                    m.id(),
                                    m.group(),
                                    m.label(),
                                    subject(m.text()),
                                    b[i],
                                    c[i],
                                    candidateSpam));
                }
            }
        }
        messages += batch.size();
        batch.clear();
        if (progress != null) {
            progress.accept(messages);
        }
    }

    /** Whether a baseline is compared. */
    public boolean hasBaseline() {
        return baseline != null;
    }

    /** Messages scored. */
    public long messages() {
        return messages;
    }

    /** The groups in the order they were first seen. */
    public List<Group> groups() {
        return List.copyOf(groups.values());
    }

    /** The kept flips, in source order. */
    public List<Flip> flips() {
        return Collections.unmodifiableList(flips);
    }

    /** All flips, kept or not. */
    public long flipCount() {
        return flipCount;
    }

    /** Flips the candidate calls spam. */
    public long flipsToSpam() {
        return toSpam;
    }

    /** Flips counted but not kept, over the cap. */
    public long flipsLeftOut() {
        return flipCount - flips.size();
    }

    /**
     * The error counts of one model over the labelled messages.
     *
     * @param ham labelled ham
     * @param spam labelled spam
     * @param falsePositives ham called spam
     * @param falseNegatives spam called ham
     */
    public record Errors(long ham, long spam, long falsePositives, long falseNegatives) {
        /** Ham called spam over ham, or NaN without ham. */
        public double falsePositiveRate() {
            return ham == 0 ? Double.NaN : (double) falsePositives / ham;
        }

        /** Spam called ham over spam, or NaN without spam. */
        public double falseNegativeRate() {
            return spam == 0 ? Double.NaN : (double) falseNegatives / spam;
        }
    }

    /**
     * The errors of the candidate or the baseline.
     *
     * @param ofCandidate the candidate ({@code true}) or the baseline
     * @return the counts
     */
    public Errors errors(boolean ofCandidate) {
        long ham = 0;
        long spam = 0;
        long fp = 0;
        long fn = 0;
        for (Group g : groups.values()) {
            long saidSpam = ofCandidate ? g.candidate(true) : g.baseline(true);
            long saidHam = ofCandidate ? g.candidate(false) : g.baseline(false);
            if (g.label == LabelledText.HAM) {
                ham += g.messages;
                fp += saidSpam;
            } else if (g.label == LabelledText.SPAM) {
                spam += g.messages;
                fn += saidHam;
            }
        }
        return new Errors(ham, spam, fp, fn);
    }

    /**
     * The first line of a text (its Subject, for mail), or its first words when that line is blank:
     * whitespace runs become one space, control and format characters (bidi overrides included) are
     * dropped, and at most {@value #MAX_SUBJECT_CHARS} characters are kept.
     *
     * @param text the text
     * @return one clean, bounded line
     */
    public static String subject(String text) {
        String t = text.strip();
        int newline = t.indexOf('\n');
        String first = newline < 0 ? t : t.substring(0, newline);
        String line = first.isBlank() ? t : first;
        StringBuilder out = new StringBuilder(Math.min(line.length(), MAX_SUBJECT_CHARS) + 3);
        boolean space = false;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = out.length() > 0;
                continue;
            }
            int type = Character.getType(cp);
            if (type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE) {
                continue;
            }
            int room = MAX_SUBJECT_CHARS - out.length() - (space ? 1 : 0);
            if (Character.charCount(cp) > room) {
                out.append("...");
                return out.toString();
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }
}
