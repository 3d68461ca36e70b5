package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real James whose mailet follows a model repository, with a shadow model beside it: the
 * repository's pointer moves while mails arrive over SMTP. Every mail is delivered, each names the
 * model that scored it, and those sent after the swap name the new one.
 */
class ModelSwapJamesIT {

    static final String USER = "swap@" + DOMAIN;
    static final String OLD = "tiny-random:seed7";
    static final String NEW = "tiny-random:seed8";
    static final String SHADOW = "tiny-random:seed9";
    static final String SHADOW_HEADER = "org.apache.james.spamgpt.shadow";

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;

    static Path repo;

    @BeforeAll
    static void startJames() throws Exception {
        // Laid out by hand as 'promote' lays it out: this JVM has James, not SpamGPT's core.
        repo = tmp.resolve("repo");
        for (int seed : new int[] {7, 8}) {
            Path bundle = Verdicts.randomBundle(tmp.resolve("b" + seed), seed);
            Path target = Files.createDirectories(repo.resolve("tiny-random/seed" + seed));
            try (var files = Files.list(bundle)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, target.resolve(f.getFileName().toString()));
                }
            }
        }
        point("tiny-random/seed7");
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("reloadInterval", "300ms");
        parameters.put("shadowModel", Verdicts.randomBundle(tmp.resolve("b9"), 9).toString());
        // A generous share: the tiny shadow costs as much as the live model, and the test wants
        // most mails to carry its header.
        parameters.put("shadowShare", "5");
        parameters.put("shadowHeaderName", SHADOW_HEADER);
        james = MailetJames.start(tmp.resolve("james"), repo, parameters, List.of(USER));
    }

    /** Replaces the repository's pointer atomically, as 'promote' does. */
    private static void point(String ref) throws Exception {
        Path next = repo.resolve(".current.next");
        Files.writeString(next, ref + "\n", StandardCharsets.UTF_8);
        Files.move(
                next,
                repo.resolve("current"),
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void mailsKeepFlowingAcrossASwapAndTheOnesAfterItCarryTheNewModel() throws Exception {
        Random random = new Random(3);
        List<String> before = mails(0, 60, random);
        List<String> after = mails(60, 80, random);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try {
            Future<?> flowing = sender.submit(() -> sendSlowly(before));
            james.awaitDelivered(List.of(USER), 15, Duration.ofMinutes(2));
            point("tiny-random/seed8");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> james.scrapeMetrics().contains("version=\"seed8\""));
            flowing.get(5, TimeUnit.MINUTES);
        } finally {
            sender.shutdownNow();
        }
        james.send(List.of(USER), after, 2);
        james.awaitDelivered(List.of(USER), 80, Duration.ofMinutes(2));

        Map<String, ImapFolders.Delivered> delivered =
                ImapFolders.read("127.0.0.1", james.imapPort(), USER);
        assertThat(delivered).hasSize(80);
        assertThat(james.repositoryCount("memory://var/mail/error/")).isZero();
        List<String> models = new ArrayList<>();
        int shadowed = 0;
        for (int i = 0; i < 80; i++) {
            ImapFolders.Delivered mail = delivered.get("load-" + i);
            assertThat(mail).as("mail %d", i).isNotNull();
            String model = mail.header("org.apache.james.spamgpt.model");
            assertThat(model).as("mail %d", i).isIn(OLD, NEW);
            models.add(model);
            if (i >= 60) {
                assertThat(model).as("mail %d, sent after the swap", i).isEqualTo(NEW);
            }
            String shadow = mail.header(SHADOW_HEADER);
            if (shadow != null) {
                shadowed++;
                assertThat(shadow)
                        .matches("(Yes|No), score=\\d\\.\\d\\d required=0\\.50 model=" + SHADOW);
            }
        }
        long old = models.stream().filter(OLD::equals).count();
        System.out.printf(
                "[ModelSwapJamesIT] %d mails by %s, %d by %s; %d of 80 with the shadow header%n",
                old, OLD, 80 - old, NEW, shadowed);
        assertThat(old).as("mails scored before the swap").isPositive();

        String metrics = james.scrapeMetrics();
        assertThat(value(metrics, "spamgpt_model_swaps_total\\{[^}]*}")).isEqualTo(1.0);
        assertThat(metrics)
                .contains("spamgpt_model_info{instance=")
                .contains("model_id=\"tiny-random\",version=\"seed8\"")
                .doesNotContain("version=\"seed7\"");
        double compared = sum(metrics, "spamgpt_shadow_messages_total\\{[^}]*\\}");
        double skipped = sum(metrics, "spamgpt_shadow_skipped_total\\{[^}]*\\}");
        System.out.printf(
                "[ModelSwapJamesIT] shadow: %.0f compared, %.0f skipped%n", compared, skipped);
        assertThat(compared + skipped).as("every scored mail offered to the shadow").isEqualTo(80);
        assertThat(compared).isPositive();
        assertThat(shadowed).isPositive().isLessThanOrEqualTo((int) compared);
    }

    private static List<String> mails(int from, int to, Random random) {
        List<String> mails = new ArrayList<>();
        for (int i = from; i < to; i++) {
            mails.add(TestMails.load(i, USER, random));
        }
        return mails;
    }

    private static Void sendSlowly(List<String> mails) throws Exception {
        for (int i = 0; i < mails.size(); i += 5) {
            james.send(List.of(USER), mails.subList(i, Math.min(mails.size(), i + 5)), 1);
            Thread.sleep(150);
        }
        return null;
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in /metrics", series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
