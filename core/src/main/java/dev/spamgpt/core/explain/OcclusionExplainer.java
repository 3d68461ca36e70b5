package dev.spamgpt.core.explain;

import dev.spamgpt.core.inference.SpamScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains a score by occlusion: the text is cut into spans of whole words, and for each span the
 * model scores the text with that span deleted. A span's contribution is the full text's score
 * minus that score. It is this model's own answer to "what if these words were not there", not a
 * separate heuristic, and it costs one forward pass per span, all in one batched call that the
 * classifier packs several texts to a row. Contributions are in log-odds ({@link
 * SpamScorer#spamLogOdds}): a float probability rounds to 1 for a confident model, and then every
 * deletion would seem to change nothing; one unit of log-odds is a factor of e in the odds. Only
 * the words the model reads count: spans start at the text's beginning, and a text with more words
 * than {@code maxSpans} gets spans of several words.
 */
public final class OcclusionExplainer {

    private static final Pattern WORD = Pattern.compile("\\S+");

    private final SpamScorer scorer;
    private final int maxSpans;
    private final int maxWords;

    /**
     * @param scorer the model
     * @param maxSpans the most spans measured per text, at least 1
     * @param maxWords the most leading words looked at (the model reads only the start of a long
     *     text), at least 1
     */
    public OcclusionExplainer(SpamScorer scorer, int maxSpans, int maxWords) {
        if (maxSpans < 1 || maxWords < 1) {
            throw new IllegalArgumentException("maxSpans and maxWords must be at least 1");
        }
        this.scorer = scorer;
        this.maxSpans = maxSpans;
        this.maxWords = maxWords;
    }

    /**
     * The spans of a text: runs of whole words, the same number of words each.
     *
     * @param text the text
     * @return [start, end) character ranges, in order
     */
    public List<int[]> spans(String text) {
        List<int[]> words = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find() && words.size() < maxWords) {
            words.add(new int[] {m.start(), m.end()});
        }
        int perSpan = Math.max(1, (words.size() + maxSpans - 1) / maxSpans);
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < words.size(); i += perSpan) {
            int last = Math.min(words.size(), i + perSpan) - 1;
            spans.add(new int[] {words.get(i)[0], words.get(last)[1]});
        }
        return spans;
    }

    /**
     * The text with one range deleted, and one space where it was when it sat between words.
     *
     * @param text the text
     * @param span [start, end)
     * @return the rest of the text
     */
    static String without(String text, int[] span) {
        String before = text.substring(0, span[0]);
        String after = text.substring(span[1]);
        if (before.isEmpty() || after.isEmpty()) {
            return (before + after).strip();
        }
        return before.stripTrailing() + " " + after.stripLeading();
    }

    /**
     * The spans that raise the score most, picked one after the other: each next one is the span
     * whose deletion, on top of the ones already picked, lowers the log-odds most. Spam cues are
     * often redundant (three words that each say "prize"), and deleting any one of them alone
     * changes little; picking them together finds the set that carries the score. Each span's
     * contribution is what it adds to the drop of the ones before it. Costs one call of {@code
     * spans} texts per span picked after the first.
     */
    private List<Explanation.Span> greedyRaising(
            String text, List<int[]> spans, float[] single, int top) {
        List<Explanation.Span> picked = new ArrayList<>();
        List<int[]> deleted = new ArrayList<>();
        boolean[] used = new boolean[spans.size()];
        float before = single[0];
        for (int round = 0; round < top && deleted.size() < spans.size(); round++) {
            float[] odds;
            if (round == 0) {
                odds = java.util.Arrays.copyOfRange(single, 1, single.length);
            } else {
                List<String> texts = new ArrayList<>();
                for (int i = 0; i < spans.size(); i++) {
                    List<int[]> with = new ArrayList<>(deleted);
                    if (!used[i]) {
                        with.add(spans.get(i));
                    }
                    texts.add(without(text, with));
                }
                odds = scorer.spamLogOdds(texts);
            }
            int best = -1;
            for (int i = 0; i < spans.size(); i++) {
                if (!used[i] && (best < 0 || odds[i] < odds[best])) {
                    best = i;
                }
            }
            float drop = before - odds[best];
            if (!(drop > 0)) {
                break;
            }
            int[] s = spans.get(best);
            picked.add(new Explanation.Span(text.substring(s[0], s[1]), s[0], s[1], drop));
            used[best] = true;
            deleted.add(s);
            before = odds[best];
        }
        return picked;
    }

    /**
     * The text with several ranges deleted, as {@link #without(String, int[])} deletes one.
     *
     * @param text the text
     * @param spans [start, end) ranges that do not overlap
     * @return the rest of the text
     */
    public static String without(String text, List<int[]> spans) {
        List<int[]> last = new ArrayList<>(spans);
        last.sort(Comparator.comparingInt((int[] s) -> s[0]).reversed());
        String rest = text;
        for (int[] span : last) {
            rest = without(rest, span);
        }
        return rest;
    }

    /**
     * Explains one text.
     *
     * @param text the text, as the model reads it
     * @param top how many spans to keep each way
     * @return the explanation
     */
    public Explanation explain(String text, int top) {
        List<int[]> spans = spans(text);
        List<String> texts = new ArrayList<>(spans.size() + 1);
        texts.add(text);
        for (int[] span : spans) {
            texts.add(without(text, span));
        }
        float[] odds = scorer.spamLogOdds(texts);
        List<Explanation.Span> all = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            int[] s = spans.get(i);
            all.add(
                    new Explanation.Span(
                            text.substring(s[0], s[1]), s[0], s[1], odds[0] - odds[i + 1]));
        }
        List<Explanation.Span> raising = greedyRaising(text, spans, odds, top);
        List<Explanation.Span> lowering = new ArrayList<>();
        all.stream()
                .filter(s -> s.contribution() < 0)
                .sorted(Comparator.comparingDouble(Explanation.Span::contribution))
                .limit(top)
                .forEach(lowering::add);
        float score = (float) (1 / (1 + Math.exp(-odds[0])));
        return new Explanation(score, odds[0], raising, lowering, spans.size());
    }
}
