package dev.spamgpt.mailet.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks over IMAP that every mail sits in the folder its known score implies, for each user. */
final class Routing {

    private Routing() {}

    /**
     * @param mails the raw mails sent, each with an X-Test-Id
     * @param scores the classifier's score of each mail, NaN for a mail without text
     * @param threshold the mailet's threshold
     * @param tagged whether the mailet was set to tag subjects and add X-Spam headers
     * @return how many mails are spam
     */
    static int check(
            String host,
            int imapPort,
            List<String> users,
            List<String> mails,
            float[] scores,
            float threshold,
            boolean tagged)
            throws Exception {
        int spam = 0;
        for (String user : users) {
            Map<String, ImapFolders.Delivered> delivered = ImapFolders.read(host, imapPort, user);
            assertThat(delivered).as("mails of %s", user).hasSize(mails.size());
            spam = 0;
            for (int i = 0; i < mails.size(); i++) {
                String id = id(mails.get(i));
                ImapFolders.Delivered mail = delivered.get(id);
                assertThat(mail).as("%s of %s", id, user).isNotNull();
                String status = mail.header("org.apache.james.spamgpt.status");
                if (Float.isNaN(scores[i])) {
                    assertThat(mail.folder).as(id).isEqualTo(ImapFolders.INBOX);
                    assertThat(status).as(id).isEqualTo("No, skipped=no text");
                } else if (scores[i] >= threshold) {
                    spam++;
                    assertThat(mail.folder)
                            .as("%s score %s threshold %s", id, scores[i], threshold)
                            .isEqualTo(ImapFolders.SPAM);
                    assertThat(status)
                            .as(id)
                            .isEqualTo(
                                    String.format(
                                            Locale.ROOT,
                                            "Yes, score=%.2f required=%.2f",
                                            scores[i],
                                            threshold));
                    if (tagged) {
                        assertThat(mail.header("X-Spam-Flag")).as(id).isEqualTo("YES");
                        assertThat(mail.header("Subject")).as(id).startsWith("[SPAM]");
                    }
                } else {
                    assertThat(mail.folder)
                            .as("%s score %s threshold %s", id, scores[i], threshold)
                            .isEqualTo(ImapFolders.INBOX);
                    assertThat(status).as(id).startsWith("No, score=");
                    if (tagged) {
                        assertThat(mail.header("X-Spam-Flag")).as(id).isEqualTo("NO");
                        assertThat(mail.header("Subject")).as(id).doesNotStartWith("[SPAM]");
                    }
                }
            }
        }
        return spam;
    }

    /** The count of {@code spamgpt_mails_total} for a verdict in a Prometheus scrape. */
    static int mailsCounted(String metrics, String verdict) {
        Matcher m =
                Pattern.compile("spamgpt_mails_total\\{[^}]*verdict=\"" + verdict + "\"} ([0-9.]+)")
                        .matcher(metrics);
        assertThat(m.find()).as("spamgpt_mails_total for %s in\n%s", verdict, metrics).isTrue();
        return (int) Double.parseDouble(m.group(1));
    }

    private static String id(String rawMail) {
        Matcher m = Pattern.compile("X-Test-Id: (\\S+)").matcher(rawMail);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
