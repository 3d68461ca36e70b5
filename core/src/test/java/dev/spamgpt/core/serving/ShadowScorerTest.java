package dev.spamgpt.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spamgpt.core.inference.SpamScorer;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ShadowScorerTest {

    /** Scores a text by its length, after a pause; threshold 0.5. */
    private static final class Fixed implements SpamScorer {
        final long pauseMillis;
        final float flip;
        final CountDownLatch gate;
        final AtomicBoolean closed = new AtomicBoolean();

        Fixed(long pauseMillis, float flip, CountDownLatch gate) {
            this.pauseMillis = pauseMillis;
            this.flip = flip;
            this.gate = gate;
        }

        @Override
        public float[] spamProbabilities(List<String> texts) {
            try {
                if (gate != null) {
                    gate.await(30, TimeUnit.SECONDS);
                }
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            float[] p = new float[texts.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.abs(flip - (texts.get(i).startsWith("spam") ? 0.9f : 0.1f));
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
            return "fixed:" + flip;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void countsAgreementAndFlipsEachWayAndFreesTheModel() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics metrics = new ShadowMetrics(registry, Tags.empty(), "fixed:1.0");
        Fixed model = new Fixed(0, 1f, null); // says the opposite of the live model
        ShadowScorer shadow = new ShadowScorer(model, 10, 4, metrics, getClass().getClassLoader());
        List<String> texts = List.of("spam one", "ham two", "ham three");
        float[] live = {0.9f, 0.1f, 0.6f}; // the third: live says spam, the shadow says spam too
        float[] scores = shadow.offer(texts, live, 0.5f, 1_000_000).get(10, TimeUnit.SECONDS);
        assertThat(scores).containsExactly(new float[] {0.1f, 0.9f, 0.9f}, within(1e-5f));
        assertThat(count(registry, "agree")).isEqualTo(1);
        assertThat(count(registry, "spam_to_ham")).isEqualTo(1);
        assertThat(count(registry, "ham_to_spam")).isEqualTo(1);
        assertThat(registry.get("spamgpt.shadow.score").tag("model", "shadow").summary().count())
                .isEqualTo(3);
        assertThat(registry.get("spamgpt.shadow").timer().count()).isEqualTo(1);
        shadow.close();
        assertThat(model.closed).isTrue();
    }

    @Test
    void neverSpendsMuchMoreThanItsShareOfTheLiveTime() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics metrics = new ShadowMetrics(registry, Tags.empty(), "slow");
        // Each shadow call takes 20 ms; each live call is said to take 10 ms.
        ShadowScorer shadow =
                new ShadowScorer(
                        new Fixed(20, 0f, null), 0.25, 64, metrics, getClass().getClassLoader());
        List<CompletableFuture<float[]>> admitted = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<float[]> f =
                    shadow.offer(List.of("spam"), new float[] {0.9f}, 0.5f, 10_000_000);
            if (f != null) {
                admitted.add(f);
                f.get(10, TimeUnit.SECONDS); // one at a time, so only the budget skips
            }
        }
        shadow.close();
        // 2 s of live time at a share of 0.25 is 0.5 s: about 25 shadow calls of 20 ms, the last
        // one let in on its 10 ms estimate. None before the fourth offer: 10 ms of shadow needs
        // 40 ms of live time.
        assertThat(admitted.size()).isBetween(20, 26);
        assertThat(metrics.compared()).isEqualTo(admitted.size());
        assertThat(metrics.skipped()).isEqualTo(200 - admitted.size());
        assertThat(registry.get("spamgpt.shadow.skipped").tag("reason", "budget").counter().count())
                .isEqualTo(200 - admitted.size());
    }

    @Test
    void skipsWhatDoesNotFitInItsQueueInsteadOfWaiting() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShadowMetrics metrics = new ShadowMetrics(registry, Tags.empty(), "stuck");
        CountDownLatch gate = new CountDownLatch(1);
        ShadowScorer shadow =
                new ShadowScorer(
                        new Fixed(0, 0f, gate), 10, 1, metrics, getClass().getClassLoader());
        int offered = 0;
        int skipped = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            offered++;
            if (shadow.offer(List.of("ham"), new float[] {0.1f}, 0.5f, 1_000_000_000L) == null) {
                skipped++;
            }
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // One runs (held at the gate), one waits in the queue, the other three are skipped.
        assertThat(skipped).isEqualTo(3);
        assertThat(tookMillis).as("offers never wait for the shadow").isLessThan(5_000);
        assertThat(registry.get("spamgpt.shadow.skipped").tag("reason", "queue").counter().count())
                .isEqualTo(3);
        gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.compared() < offered - skipped && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.compared()).isEqualTo(offered - skipped);
        shadow.close();
    }

    private static double count(SimpleMeterRegistry registry, String outcome) {
        return registry.get("spamgpt.shadow.messages").tag("outcome", outcome).counter().count();
    }
}
