package dev.spamgpt.trainer.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.eval.BinaryMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LexicalBaselineTest {

    private static final String[] SPAM = {"win", "prize", "free", "claim", "cash", "urgent"};
    private static final String[] HAM = {"lunch", "tomorrow", "meeting", "mum", "home", "later"};
    private static final String[] SHARED = {"the", "you", "call", "now", "today", "ok", "at"};

    /** Texts of 3 to 8 words: mostly shared words, one to three of the class's own. */
    private static List<LabelledText> texts(int n, long seed) {
        Random random = new Random(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(4) == 0 ? 1 : 0;
            String[] own = label == 1 ? SPAM : HAM;
            List<String> words = new ArrayList<>();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                words.add(own[random.nextInt(own.length)]);
            }
            for (int k = 2 + random.nextInt(5); k > 0; k--) {
                words.add(SHARED[random.nextInt(SHARED.length)]);
            }
            java.util.Collections.shuffle(words, random);
            out.add(new LabelledText(String.join(" ", words), label));
        }
        return out;
    }

    @Test
    void baselineShouldSeparateAnEasySetOnHeldOutTexts() {
        LexicalBaseline baseline = LexicalBaseline.fit(texts(400, 1), 7);
        BinaryMetrics held = baseline.measure(texts(200, 2), 0.5);

        assertThat(held.accuracy()).isGreaterThan(0.9);
        assertThat(held.recall()).isGreaterThan(0.8);
        assertThat(held.rocAuc()).isGreaterThan(0.95);
        assertThat(baseline.vocabularySize()).isGreaterThan(SPAM.length + HAM.length);
        assertThat(baseline.fitSeconds()).isPositive();
    }

    @Test
    void sameSeedShouldGiveTheSamePredictions() {
        List<LabelledText> train = texts(300, 3);
        List<LabelledText> test = texts(100, 4);

        float[] a = LexicalBaseline.fit(train, 5).spamProbabilities(test);
        float[] b = LexicalBaseline.fit(train, 5).spamProbabilities(test);
        float[] other = LexicalBaseline.fit(train, 6).spamProbabilities(test);

        assertThat(a).containsExactly(b);
        assertThat(other).isNotEqualTo(a); // the seed does reach the shuffling
    }

    @Test
    void emptyTextsAndUnseenWordsShouldScoreWithoutCrashing() {
        List<LabelledText> train = new ArrayList<>(texts(100, 8));
        train.add(new LabelledText("", 0));
        train.add(new LabelledText("   \n ", 1));
        LexicalBaseline baseline = LexicalBaseline.fit(train, 1);

        float[] p =
                baseline.spamProbabilities(
                        List.of(
                                new LabelledText("", 0),
                                new LabelledText("zzz qqq never seen", 1),
                                new LabelledText("win free cash prize", 1)));

        assertThat(p).hasSize(3);
        for (float v : p) {
            assertThat(v).isBetween(0f, 1f);
        }
        assertThat(p[2]).isGreaterThan(p[0]);
    }

    @Test
    void aOneWordVocabularyShouldStillFit() {
        List<LabelledText> train =
                List.of(
                        new LabelledText("spam", 1),
                        new LabelledText("spam spam", 1),
                        new LabelledText("", 0),
                        new LabelledText("", 0));
        LexicalBaseline baseline = LexicalBaseline.fit(train, 1);

        assertThat(baseline.vocabularySize()).isEqualTo(2); // "spam" and the pair "spam spam"
        BinaryMetrics m = baseline.measure(train, 0.5);
        assertThat(m.examples()).isEqualTo(4);
        assertThat(m.accuracy()).isBetween(0.0, 1.0);
    }

    @Test
    void oneClassShouldBeRefusedWithAClearError() {
        assertThatThrownBy(
                        () ->
                                LexicalBaseline.fit(
                                        List.of(new LabelledText("a", 0), new LabelledText("b", 0)),
                                        1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs ham and spam");
    }

    @Test
    void tableShouldSetTheModelBesideTheBaseline() {
        List<LabelledText> train = texts(200, 9);
        List<LabelledText> test = texts(80, 10);
        List<String> progress = new ArrayList<>();
        BaselineReport report =
                BaselineReport.fitAndMeasure(train, Map.of("test", test), 0.5, progress::add);
        BinaryMetrics model =
                BinaryMetrics.of(LexicalBaseline.labels(test), new float[test.size()], null, 0.5);

        String table = report.table(Map.of("test", model));

        assertThat(progress).hasSize(2);
        assertThat(progress.get(1)).startsWith("Baseline: fitted in");
        assertThat(table).contains("Model vs lexical baseline", "accuracy", "FPR", "F1");
        assertThat(table).containsPattern("test +model +\\d+\\.\\d\\d%");
        assertThat(table).containsPattern("\\n +baseline +\\d+\\.\\d\\d%");
        assertThat(report.toMap())
                .containsEntry("method", LexicalBaseline.METHOD)
                .containsEntry("train_examples", 200)
                .containsKey("splits");
    }
}
