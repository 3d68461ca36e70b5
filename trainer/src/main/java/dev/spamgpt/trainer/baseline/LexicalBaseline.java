package dev.spamgpt.trainer.baseline;

import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * TF-IDF over lower-cased words and word pairs, classified by a logistic regression.
 *
 * <p>Tokens are runs of letters or digits, plus each other non-space character on its own ({@code
 * £}, {@code !} and {@code &} say a lot about spam). Features are the unigrams and adjacent
 * bigrams, weighted by sublinear term frequency (1 + ln tf) times smoothed inverse document
 * frequency ln((1 + n) / (1 + df)) + 1 and scaled to unit length; a constant bias feature keeps an
 * empty text a valid example. Terms the training split never saw are ignored. The regression is
 * Tribuo's {@link LinearSGDTrainer} with the multinomial logistic loss and AdaGrad, shuffled by a
 * fixed seed and single-threaded, so the same split and seed give the same predictions.
 */
public final class LexicalBaseline {

    /** What the baseline is, for reports. */
    public static final String METHOD = "tfidf-word-1-2gram+logistic-regression (Tribuo SGD)";

    /** The seed used unless one is given. */
    public static final long DEFAULT_SEED = 12L;

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}\\s]");
    private static final String BIAS = "_bias";
    private static final int EPOCHS = 10;
    private static final String SPAM = "spam";
    private static final String HAM = "ham";
    private static final LabelFactory LABELS = new LabelFactory();

    /**
     * Tribuo logs its SGD loss on java.util.logging at INFO every 1000 examples; that is noise on
     * the training log. The reference is kept because the logging framework holds loggers weakly.
     */
    private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

    static {
        TRIBUO_LOG.setLevel(Level.WARNING);
    }

    private final Map<String, Double> idf;
    private final Model<Label> model;
    private final double fitSeconds;

    private LexicalBaseline(Map<String, Double> idf, Model<Label> model, double fitSeconds) {
        this.idf = idf;
        this.model = model;
        this.fitSeconds = fitSeconds;
    }

    /**
     * Fits the baseline.
     *
     * @param train the training texts, both classes present
     * @param seed the shuffling seed of the regression
     * @return the fitted baseline
     * @throws IllegalArgumentException when the set is empty or holds one class only
     */
    public static LexicalBaseline fit(List<LabelledText> train, long seed) {
        long start = System.nanoTime();
        if (train.stream().mapToInt(LabelledText::label).distinct().count() < 2) {
            throw new IllegalArgumentException(
                    "the baseline needs ham and spam in its training set, got "
                            + train.size()
                            + " texts of one class");
        }
        List<Map<String, Integer>> counts = new ArrayList<>(train.size());
        Map<String, Integer> df = new HashMap<>();
        for (LabelledText row : train) {
            Map<String, Integer> c = termCounts(row.text());
            counts.add(c);
            c.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
        }
        int n = train.size();
        Map<String, Double> idf = new HashMap<>(df.size() * 2);
        df.forEach((t, d) -> idf.put(t, Math.log((1.0 + n) / (1.0 + d)) + 1));
        MutableDataset<Label> data =
                new MutableDataset<>(
                        new SimpleDataSourceProvenance("spamgpt train split", LABELS), LABELS);
        for (int i = 0; i < n; i++) {
            Label label = new Label(train.get(i).label() == LabelledText.SPAM ? SPAM : HAM);
            data.add(example(label, counts.get(i), idf));
        }
        LinearSGDTrainer trainer =
                new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), EPOCHS, seed);
        Model<Label> model = trainer.train(data);
        return new LexicalBaseline(idf, model, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Scores texts.
     *
     * @param rows the texts (labels unused)
     * @return the spam probability of each text
     */
    public float[] spamProbabilities(List<LabelledText> rows) {
        float[] p = new float[rows.size()];
        for (int i = 0; i < p.length; i++) {
            Map<String, Integer> c = termCounts(rows.get(i).text());
            c.keySet().retainAll(idf.keySet());
            Prediction<Label> prediction =
                    model.predict(example(LABELS.getUnknownOutput(), c, idf));
            Label spam = prediction.getOutputScores().get(SPAM);
            p[i] = spam == null ? 0f : (float) spam.getScore();
        }
        return p;
    }

    /**
     * Measures the baseline on labelled texts.
     *
     * @param rows the texts
     * @param threshold the decision threshold
     * @return the metrics, loss included
     */
    public BinaryMetrics measure(List<LabelledText> rows, double threshold) {
        float[] p = spamProbabilities(rows);
        return BinaryMetrics.of(labels(rows), p, losses(labels(rows), p), threshold);
    }

    /**
     * The labels of rows.
     *
     * @param rows the texts
     * @return 0 = ham, 1 = spam
     */
    public static int[] labels(List<LabelledText> rows) {
        return rows.stream().mapToInt(LabelledText::label).toArray();
    }

    /**
     * Returns the wall time of {@link #fit}.
     *
     * @return seconds
     */
    public double fitSeconds() {
        return fitSeconds;
    }

    /**
     * Returns the number of terms learnt from the training split.
     *
     * @return the vocabulary size
     */
    public int vocabularySize() {
        return idf.size();
    }

    /** Unigram and bigram counts of a text. */
    static Map<String, Integer> termCounts(String text) {
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        Map<String, Integer> c = new HashMap<>();
        String previous = null;
        while (m.find()) {
            String token = m.group();
            c.merge("w:" + token, 1, Integer::sum);
            if (previous != null) {
                c.merge("b:" + previous + ' ' + token, 1, Integer::sum);
            }
            previous = token;
        }
        return c;
    }

    /** A unit-length TF-IDF vector plus the bias, names sorted as Tribuo stores them. */
    private static ArrayExample<Label> example(
            Label label, Map<String, Integer> counts, Map<String, Double> idf) {
        TreeMap<String, Double> weights = new TreeMap<>();
        double norm = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            double w = (1 + Math.log(e.getValue())) * idf.get(e.getKey());
            weights.put(e.getKey(), w);
            norm += w * w;
        }
        double scale = norm == 0 ? 1 : 1 / Math.sqrt(norm);
        weights.replaceAll((k, w) -> w * scale);
        weights.put(BIAS, 1.0);
        String[] names = weights.keySet().toArray(new String[0]);
        double[] values = weights.values().stream().mapToDouble(Double::doubleValue).toArray();
        return new ArrayExample<>(label, names, values);
    }

    /** Cross-entropy per example, clipped so that a certain mistake stays finite. */
    private static float[] losses(int[] labels, float[] p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            double q = labels[i] == 1 ? p[i] : 1 - p[i];
            l[i] = (float) -Math.log(Math.max(q, 1e-7));
        }
        return l;
    }
}
