package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three outcomes of tiered actions in a real James: below the spam threshold a mail goes to
 * INBOX, between the two thresholds to the Spam folder, and at or above {@code rejectThreshold} to
 * the {@code rejectSpamProcessor}, here a quarantine mail repository. The thresholds are put in
 * gaps of the mails' own scores, which the verdict tool computes beforehand, so that every tier
 * gets mail and float noise cannot move one across.
 */
class TieredActionsJamesIT {

    static final String USER = "tiers@" + DOMAIN;
    static final String QUARANTINE = "memory://var/mail/spamgpt-quarantine/";
    static final Pattern ID = Pattern.compile("(?m)^X-Test-Id: (\\S+)");

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;
    static List<String> mails;
    static float[] scores;
    static float spamThreshold;
    static float rejectThreshold;

    @BeforeAll
    static void startJames() throws Exception {
        mails = TestMails.endToEnd(USER);
        Path bundle = tmp.resolve("bundle");
        scores =
                Verdicts.score(
                        bundle, 20261203L, mails, Files.createDirectories(tmp.resolve("verdicts")));
        float[] sorted = Verdicts.sortedScores(scores);
        int n = sorted.length;
        spamThreshold = Verdicts.thresholdInGap(sorted, n / 5, n / 2);
        rejectThreshold = Verdicts.thresholdInGap(sorted, n / 2, n - 1);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("threshold", Float.toString(spamThreshold));
        parameters.put("rejectThreshold", Float.toString(rejectThreshold));
        parameters.put("rejectSpamProcessor", "spamgpt-quarantine");
        james = MailetJames.start(tmp.resolve("james"), bundle, parameters, List.of(USER));
    }

    @Test
    void eachMailLandsInTheTierItsScoreNames() throws Exception {
        int inbox = 0;
        int spam = 0;
        int rejected = 0;
        for (float s : scores) {
            if (!Float.isNaN(s) && s >= rejectThreshold) {
                rejected++;
            } else if (!Float.isNaN(s) && s >= spamThreshold) {
                spam++;
            } else {
                inbox++;
            }
        }
        assertThat(inbox).isPositive();
        assertThat(spam).isPositive();
        assertThat(rejected).isPositive();

        james.send(List.of(USER), mails);
        james.awaitDelivered(List.of(USER), inbox + spam, Duration.ofMinutes(2));
        long quarantined = rejected;
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .until(() -> james.repositoryCount(QUARANTINE) == quarantined);

        Map<String, ImapFolders.Delivered> delivered =
                ImapFolders.read("127.0.0.1", james.imapPort(), USER);
        assertThat(delivered).hasSize(inbox + spam);
        for (int i = 0; i < mails.size(); i++) {
            Matcher m = ID.matcher(mails.get(i));
            assertThat(m.find()).isTrue();
            ImapFolders.Delivered mail = delivered.get(m.group(1));
            float s = scores[i];
            if (!Float.isNaN(s) && s >= rejectThreshold) {
                assertThat(mail).as("%s (%.4f) is quarantined", m.group(1), s).isNull();
            } else {
                assertThat(mail).as("%s is delivered", m.group(1)).isNotNull();
                String want =
                        !Float.isNaN(s) && s >= spamThreshold
                                ? ImapFolders.SPAM
                                : ImapFolders.INBOX;
                assertThat(mail.folder).as("%s (%.4f)", m.group(1), s).isEqualTo(want);
            }
        }
        Thread.sleep(1000);
        assertThat(james.repositoryCount(QUARANTINE)).isEqualTo(rejected);
        assertThat(james.repositoryCount("memory://var/mail/error/")).isZero();
        System.out.printf(
                Locale.ROOT,
                "[TieredActionsJamesIT] %d mails: %d INBOX, %d Spam (>= %.4f), %d quarantined"
                        + " (>= %.4f)%n",
                mails.size(),
                inbox,
                spam,
                spamThreshold,
                rejected,
                rejectThreshold);
    }
}
