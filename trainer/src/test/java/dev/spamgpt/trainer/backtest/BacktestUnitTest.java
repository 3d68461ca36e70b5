package dev.spamgpt.trainer.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.inference.SpamScorer;
import dev.spamgpt.trainer.data.LabelledText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacktestUnitTest {

    /** Scores a text by the number at its start, over 100. */
    private static SpamScorer scorer(float threshold) {
        return new SpamScorer() {
            @Override
            public float[] spamProbabilities(List<String> texts) {
                float[] p = new float[texts.size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = Integer.parseInt(texts.get(i).split(" ")[0]) / 100f;
                }
                return p;
            }

            @Override
            public float threshold() {
                return threshold;
            }

            @Override
            public int maxTokens() {
                return 64;
            }

            @Override
            public String modelId() {
                return "by-number";
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void countsInBatchesAndCapsTheKeptFlips() {
        List<Long> progress = new ArrayList<>();
        Backtest b = new Backtest(scorer(0.3f), scorer(0.7f), 4, 2, progress::add);
        for (int i = 0; i < 10; i++) {
            int label = i % 2 == 0 ? LabelledText.HAM : LabelledText.SPAM;
            b.accept(
                    new BacktestMessage("m" + i, LabelledText.name(label), label, (i * 10) + " x"));
        }
        b.finish();
        assertThat(progress).containsExactly(4L, 8L, 10L);
        assertThat(b.messages()).isEqualTo(10);
        // Scores 0.0..0.9: candidate spam from 0.3, baseline from 0.7: 30, 40, 50, 60 flip.
        assertThat(b.flipCount()).isEqualTo(4);
        assertThat(b.flipsToSpam()).isEqualTo(4);
        assertThat(b.flips()).extracting(Backtest.Flip::id).containsExactly("m3", "m4");
        assertThat(b.flipsLeftOut()).isEqualTo(2);
        Backtest.Errors c = b.errors(true);
        assertThat(c.ham()).isEqualTo(5);
        assertThat(c.falsePositives()).isEqualTo(3); // 40, 60, 80
        assertThat(b.errors(false).falseNegatives()).isEqualTo(3); // 10, 30, 50
        Backtest.Group ham = b.groups().get(0);
        assertThat(ham.cell(false, true)).isEqualTo(2); // 40, 60
        assertThat(ham.cell(true, true)).isEqualTo(1); // 80
    }

    @Test
    void subjectIsOneCleanBoundedLine() {
        assertThat(Backtest.subject("Hello\tworld\u202e\u0000!\nbody")).isEqualTo("Hello world!");
        assertThat(Backtest.subject("\n\n  first   words\r\nof body")).isEqualTo("first words");
        String longOne = Backtest.subject("x".repeat(500));
        assertThat(longOne).hasSize(Backtest.MAX_SUBJECT_CHARS + 3).endsWith("...");
        // A surrogate pair is never cut in half.
        String emoji = Backtest.subject("a".repeat(119) + "\uD83D\uDE00 tail");
        assertThat(emoji).isEqualTo("a".repeat(119) + "...");
    }

    @Test
    void boundsAreOffsetsOrTimes() {
        assertThat(KafkaRange.Bound.parse("42").offset()).isEqualTo(42);
        assertThat(KafkaRange.Bound.parse("2026-01-31").time())
                .isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(KafkaRange.Bound.parse("2026-01-31T12:00:00Z").time())
                .isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThatThrownBy(() -> KafkaRange.Bound.parse("-3"))
                .hasMessageContaining("neither an offset");
        assertThatThrownBy(() -> KafkaRange.Bound.parse("99999999999999999999"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void escapesHtml() {
        assertThat(BacktestReport.escape("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }
}
