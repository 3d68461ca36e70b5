package dev.spamgpt.mailet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.explain.Explanation;
import dev.spamgpt.core.explain.OcclusionExplainer;
import dev.spamgpt.core.inference.SpamScorer;
import java.util.List;
import javax.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

class ExplanationReportTest {

    /** Spam when the text holds the word that the test plants. */
    private static SpamScorer scorerOf(String word) {
        return new SpamScorer() {
            @Override
            public float[] spamProbabilities(List<String> texts) {
                float[] p = new float[texts.size()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = texts.get(i).contains(word) ? 0.97f : 0.03f;
                }
                return p;
            }

            @Override
            public float threshold() {
                return 0.5f;
            }

            @Override
            public int maxTokens() {
                return 0;
            }

            @Override
            public String modelId() {
                return "m:1";
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void messageTextCannotInjectHeadersAndTheValueIsBoundedAndEncoded() throws Exception {
        String hostile = "Gr\u00fc\u00dfe\r\nBcc:victim@example.com\"\\ " + "x".repeat(5000);
        String text = "hello " + hostile + " world";
        Explanation why =
                new OcclusionExplainer(scorerOf("Gr\u00fc\u00dfe"), 8, 100).explain(text, 3);
        String value = ExplanationReport.value(Verdict.scored(0.97f, 0.5f, "m:1"), "m:1", why);

        assertThat(value).doesNotContain("\r\n\r\n");
        for (String line : value.split("\r\n")) {
            assertThat(line)
                    .as("a folded line")
                    .satisfiesAnyOf(
                            l -> assertThat(l).startsWith(" "),
                            l -> assertThat(l).startsWith("score="),
                            l -> assertThat(l).startsWith("=?UTF-8?Q?"));
        }
        String decoded = MimeUtility.decodeText(MimeUtility.unfold(value));
        assertThat(decoded)
                .startsWith("score=0.97 required=0.50 model=m:1; +6.95 \"Gr\u00fc\u00dfe")
                .doesNotContain("\r")
                .doesNotContain("\n");
        assertThat(decoded.length()).isLessThanOrEqualTo(ExplanationReport.MAX_CHARS);
        assertThat(value).matches("\\p{ASCII}*");
    }
}
