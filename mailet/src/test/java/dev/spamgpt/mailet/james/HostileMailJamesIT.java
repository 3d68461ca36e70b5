package dev.spamgpt.mailet.james;

import static dev.spamgpt.mailet.james.JamesHome.DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening review's hostile mails through a real James 3.8.1 with the packaged mailet: ham,
 * the quoted-printable soft-break bombs (single part and on the multipart), the 1 MiB folded
 * Subject, then one more ham once the bombs are through. Every mail must be delivered with a
 * verdict (a score, or {@code No, error=...} for a bomb), none may land in an error repository, and
 * James must keep serving. The mailet has no {@code onMailetException}: any exception would send
 * its mail to the {@code error} processor, which this test checks is empty.
 */
class HostileMailJamesIT {

    static final String USER = "victim@" + DOMAIN;
    static final String SCORED = "(Yes|No), score=\\d\\.\\d\\d required=\\d\\.\\d\\d";
    static final String ERROR = "No, error=.+";
    static final List<String> REPOSITORIES =
            List.of(
                    "memory://var/mail/error/",
                    "memory://var/mail/relay-denied/",
                    "memory://var/mail/rrt-error/");

    @TempDir static Path tmp;

    @AutoClose static MailetJames james;

    @BeforeAll
    static void startJames() throws Exception {
        Path bundle = Verdicts.randomBundle(tmp, 10L);
        james = MailetJames.start(tmp.resolve("james"), bundle, Map.of(), List.of(USER));
    }

    @Test
    void hostileMailsShouldBeDeliveredWithAVerdictAndJamesShouldKeepServing() throws Exception {
        int imapPort = james.imapPort();
        Map<String, String> first = new LinkedHashMap<>();
        CraftedMailTool.generate(Files.createDirectories(tmp.resolve("crafted")))
                .forEach(
                        (name, raw) -> first.put(name, new String(raw, StandardCharsets.US_ASCII)));
        String hamAfter = first.remove("ham-after");
        // The test James has no SMTP size limit and the bombs' lines are short: James takes them
        // whole.
        send(first);
        awaitDelivered(first.size());

        // James still serves: a ham sent after the bombs is scored and delivered.
        send(Map.of("ham-after", hamAfter));
        awaitDelivered(first.size() + 1);

        Map<String, ImapFolders.Delivered> delivered =
                ImapFolders.read("127.0.0.1", imapPort, USER);
        assertThat(delivered)
                .containsOnlyKeys(
                        "ham-before", "qp-bomb", "qp-multipart-bomb", "fold-bomb", "ham-after");
        int errors = 0;
        for (Map.Entry<String, ImapFolders.Delivered> e : delivered.entrySet()) {
            String status = e.getValue().header("org.apache.james.spamgpt.status");
            System.out.printf(
                    Locale.ROOT,
                    "[HostileMailJamesIT] %s in %s: %s%n",
                    e.getKey(),
                    e.getValue().folder,
                    status);
            assertThat(status).as(e.getKey()).isNotNull();
            if (e.getKey().startsWith("ham-")) {
                assertThat(status).as(e.getKey()).matches(SCORED);
            } else {
                assertThat(status).as(e.getKey()).matches(SCORED + "|" + ERROR);
            }
            if (status.matches(ERROR)) {
                errors++;
            }
        }
        for (String repository : REPOSITORIES) {
            assertThat(james.repositoryCount(repository)).as(repository).isZero();
        }

        String metrics = james.scrapeMetrics();
        int counted = 0;
        for (String verdict : List.of("spam", "ham", "skipped", "error")) {
            counted += Routing.mailsCounted(metrics, verdict);
        }
        assertThat(counted).as("mails counted").isEqualTo(delivered.size());
        assertThat(Routing.mailsCounted(metrics, "error"))
                .as("error verdicts counted")
                .isEqualTo(errors);
    }

    private static void send(Map<String, String> mails) throws Exception {
        List<String> tagged = new ArrayList<>();
        mails.forEach((name, raw) -> tagged.add("X-Test-Id: " + name + "\r\n" + raw));
        james.send(List.of(USER), tagged);
    }

    // A hang guard only: a bomb is cut at the limits, but extracting it still takes a while.
    private static void awaitDelivered(int expected) {
        james.awaitDelivered(List.of(USER), expected, Duration.ofMinutes(5));
    }
}
