package dev.spamgpt.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.spamgpt.core.bundle.BundleException;
import dev.spamgpt.core.testing.TinyBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpamClassifierTest {

    private static final List<String> TEXTS =
            List.of(
                    "WINNER!! You have been selected to receive a 900 prize reward. Call"
                            + " 09061701461 now",
                    "Ok lar... Joking wif u oni...",
                    "",
                    "I'll be home late tonight, save me some dinner",
                    "URGENT! Your mobile number has won 2000 pounds. To claim call 09050000301",
                    "k");

    @TempDir static Path tmp;

    static SpamClassifier classifier;

    @BeforeAll
    static void open() {
        classifier = SpamClassifier.open(TinyBundles.randomBundle(tmp.resolve("bundle"), 7));
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void batchedScoresShouldEqualOneByOneScoresBecauseTheLastRealTokenIsRead() {
        float[] batched = classifier.spamProbabilities(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(batched[i])
                    .as(TEXTS.get(i))
                    .isCloseTo(classifier.spamProbability(TEXTS.get(i)), within(1e-5f));
            assertThat(batched[i]).isBetween(0f, 1f);
        }
        // Random weights still separate texts: a constant output would mean a broken pipeline.
        assertThat(batched[0]).isNotCloseTo(batched[1], within(1e-3f));
    }

    @Test
    void batchSizeAndTokenBudgetShouldNotChangeScores() {
        float[] b = classifier.spamProbabilities(TEXTS);
        for (ClassifierOptions options :
                List.of(
                        ClassifierOptions.defaults().withMaxBatchSize(1),
                        ClassifierOptions.defaults().withTokenBudget(20))) {
            try (SpamClassifier other = SpamClassifier.open(tmp.resolve("bundle"), options)) {
                float[] a = other.spamProbabilities(TEXTS);
                for (int i = 0; i < a.length; i++) {
                    assertThat(a[i]).isCloseTo(b[i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void bookPoolingShouldReadThePaddedEndWhateverTheBatching() throws Exception {
        Path book = TinyBundles.randomBundle(tmp.resolve("book"), 7);
        Path manifest = book.resolve("manifest.json");
        String json = Files.readString(manifest);
        assertThat(json).contains("\"last-token\"");
        Files.writeString(manifest, json.replace("\"last-token\"", "\"book\""));

        float[] alone;
        try (SpamClassifier c =
                SpamClassifier.open(book, ClassifierOptions.defaults().withMaxBatchSize(1))) {
            alone = c.spamProbabilities(TEXTS);
        }
        // Three texts padded to the bundle's 64 tokens per pass.
        try (SpamClassifier c =
                SpamClassifier.open(book, ClassifierOptions.defaults().withTokenBudget(3 * 64))) {
            float[] batched = c.spamProbabilities(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(batched[i]).as(TEXTS.get(i)).isCloseTo(alone[i], within(1e-5f));
            }
        }
        // Same weights, other pooling: reading a pad instead of the last real token changes scores.
        float[] lastToken = classifier.spamProbabilities(TEXTS);
        assertThat(Math.abs(alone[1] - lastToken[1])).isGreaterThan(1e-3f);
    }

    @Test
    void concurrentCallersShouldGetTheSameScores() throws Exception {
        float[] expected = classifier.spamProbabilities(TEXTS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                List<String> shuffled = new ArrayList<>(TEXTS);
                Collections.rotate(shuffled, i);
                int shift = i;
                results.add(
                        pool.submit(
                                () -> {
                                    float[] got = classifier.spamProbabilities(shuffled);
                                    float[] back = new float[got.length];
                                    for (int j = 0; j < got.length; j++) {
                                        back[Math.floorMod(j - shift, got.length)] = got[j];
                                    }
                                    return back;
                                }));
            }
            for (Future<float[]> f : results) {
                float[] got = f.get();
                for (int i = 0; i < got.length; i++) {
                    assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void longTextsShouldBeScoredOnTheirFirstMaxTokens() {
        String head = "Free entry in 2 a wkly comp to win FA Cup final tkts ";
        String huge = head.repeat(20_000); // ~1 MB, far beyond the 64-token context
        try (SpamClassifier short8 =
                SpamClassifier.open(
                        tmp.resolve("bundle"), ClassifierOptions.defaults().withMaxTokens(8))) {
            assertThat(short8.tokens(huge)).hasSize(8);
            assertThat(short8.maxTokens()).isEqualTo(8);
            assertThat(short8.spamProbability(huge))
                    .isCloseTo(short8.spamProbability(head + head), within(1e-5f));
        }
        assertThat(classifier.tokens(huge)).hasSize(64);
        assertThat(classifier.maxTokens()).isEqualTo(64);
    }

    @Test
    void thresholdShouldComeFromTheBundleUnlessOverridden() {
        assertThat(classifier.threshold()).isEqualTo(0.5f);
        try (SpamClassifier strict =
                SpamClassifier.open(
                        tmp.resolve("bundle"), ClassifierOptions.defaults().withThreshold(0.9f))) {
            assertThat(strict.threshold()).isEqualTo(0.9f);
            assertThat(strict.isSpam(0.9f)).isTrue();
            assertThat(strict.isSpam(0.89f)).isFalse();
            assertThat(strict.modelId()).isEqualTo("tiny-random:seed7");
        }
    }

    @Test
    void openShouldFailClearlyOnAMissingBundleAndScoringAfterCloseShouldFail() {
        assertThatThrownBy(() -> SpamClassifier.open(tmp.resolve("missing")))
                .isInstanceOf(BundleException.class)
                .hasMessageContaining("missing");
        SpamClassifier c = SpamClassifier.open(tmp.resolve("bundle"));
        c.close();
        assertThatThrownBy(() -> c.spamProbability("hi")).isInstanceOf(IllegalStateException.class);
    }
}
