package dev.spamgpt.trainer.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.feedback.FeedbackLabel;
import dev.spamgpt.core.feedback.FeedbackReport;
import dev.spamgpt.trainer.data.LabelledText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackGuardsTest {

    private static int ids;

    private static FeedbackReport report(
            String user, String text, FeedbackLabel label, String time, boolean known) {
        return FeedbackReport.builder()
                .id("r" + ids++)
                .user(user)
                .text(text)
                .label(label)
                .reportedAt(time)
                .alreadyKnown(known)
                .build();
    }

    private static FeedbackReport spam(String user, String text, String time) {
        return report(user, text, FeedbackLabel.SPAM, time, false);
    }

    private static FeedbackReport ham(String user, String text, String time) {
        return report(user, text, FeedbackLabel.HAM, time, false);
    }

    private static FeedbackGuards.Settings open() {
        return new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 1000, 1.0, 0, 1);
    }

    @Test
    void oneMessageReportedByManyUsersCountsOnce() {
        List<FeedbackReport> reports = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            reports.add(spam("u" + u, "buy now", "2026-12-01T10:0" + u + ":00Z"));
        }
        reports.add(ham("u0", "lunch?", "2026-12-01T11:00:00Z"));
        FeedbackGuards.Result r = FeedbackGuards.apply(reports, open());
        assertThat(r.examples()).hasSize(2);
        assertThat(r.examples())
                .extracting(LabelledText::text)
                .containsExactlyInAnyOrder("buy now", "lunch?");
        assertThat(r.summary().duplicates()).isEqualTo(4);
        assertThat(r.summary().conflicts()).isZero();
        assertThat(r.summary().byLabel()).containsEntry("spam", 1L).containsEntry("ham", 1L);
    }

    @Test
    void conflictsGoToTheMajorityOfUsersAndATieToTheLatestReport() {
        List<FeedbackReport> reports = new ArrayList<>();
        // Majority: 3 users say spam, 1 says ham (and later).
        reports.add(spam("a", "majority", "2026-12-01T10:00:00Z"));
        reports.add(spam("b", "majority", "2026-12-01T10:01:00Z"));
        reports.add(spam("c", "majority", "2026-12-01T10:02:00Z"));
        reports.add(ham("d", "majority", "2026-12-01T12:00:00Z"));
        // One user saying spam three times is still one user: tie 1-1, the latest (ham) wins.
        reports.add(spam("a", "tie", "2026-12-01T10:00:00Z"));
        reports.add(spam("a", "tie", "2026-12-01T10:05:00Z"));
        reports.add(ham("b", "tie", "2026-12-01T11:00:00Z"));
        FeedbackGuards.Result r = FeedbackGuards.apply(reports, open());
        assertThat(r.summary().conflicts()).isEqualTo(2);
        assertThat(r.summary().conflictSamples()).hasSize(2);
        assertThat(r.examples())
                .extracting(e -> e.text() + "=" + LabelledText.name(e.label()))
                .containsExactlyInAnyOrder("majority=spam", "tie=ham");
    }

    @Test
    void aUsersMoveOutranksImplicitHamFromOtherInboxes() {
        List<FeedbackReport> reports = new ArrayList<>();
        // Three inboxes kept the mail (implicit ham), one user moved it into Spam: spam, no
        // conflict, because only the move is a judgement.
        for (String user : List.of("a", "b", "c")) {
            reports.add(implicitHam(user, "newsletter", "2026-12-01T10:00:00Z"));
        }
        reports.add(spam("d", "newsletter", "2026-12-01T09:00:00Z"));
        // Implicit ham alone still teaches ham.
        reports.add(implicitHam("a", "minutes", "2026-12-01T10:00:00Z"));
        FeedbackGuards.Result r = FeedbackGuards.apply(reports, open());
        assertThat(r.examples())
                .extracting(e -> e.text() + "=" + LabelledText.name(e.label()))
                .containsExactlyInAnyOrder("newsletter=spam", "minutes=ham");
        assertThat(r.summary().conflicts()).isZero();
        assertThat(r.summary().implicit()).isEqualTo(4);
        assertThat(r.summary().dropped()).containsEntry("implicit_overruled", 3L);
    }

    private static FeedbackReport implicitHam(String user, String text, String time) {
        return FeedbackReport.builder()
                .id("r" + ids++)
                .user(user)
                .text(text)
                .label(FeedbackLabel.HAM)
                .reportedAt(time)
                .implicit(true)
                .build();
    }

    @Test
    void alreadyKnownReportsAreSkippedByDefaultAndKeptOnRequest() {
        List<FeedbackReport> reports =
                List.of(
                        report("a", "known spam", FeedbackLabel.SPAM, "2026-12-01T10:00:00Z", true),
                        report(
                                "a",
                                "missed spam",
                                FeedbackLabel.SPAM,
                                "2026-12-01T10:00:00Z",
                                false));
        FeedbackGuards.Result skip = FeedbackGuards.apply(reports, open());
        assertThat(skip.examples()).extracting(LabelledText::text).containsExactly("missed spam");
        assertThat(skip.summary().alreadyKnown()).isEqualTo(1);
        assertThat(skip.summary().dropped()).containsEntry("already_known", 1L);

        FeedbackGuards.Result keep =
                FeedbackGuards.apply(
                        reports,
                        new FeedbackGuards.Settings(FeedbackGuards.Known.KEEP, 1000, 1.0, 0, 1));
        assertThat(keep.examples()).hasSize(2);
        assertThat(keep.summary().alreadyKnown()).isEqualTo(1);
        assertThat(keep.summary().dropped()).doesNotContainKey("already_known");
    }

    @Test
    void theDailyCapKeepsEachUsersEarliestReportsOfEachUtcDay() {
        List<FeedbackReport> reports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            reports.add(spam("busy", "day one " + i, "2026-12-01T1" + i + ":00:00Z"));
            reports.add(spam("busy", "day two " + i, "2026-12-02T0" + i + ":00:00Z"));
        }
        reports.add(spam("calm", "calm one", "2026-12-01T23:59:59Z"));
        FeedbackGuards.Result r =
                FeedbackGuards.apply(
                        reports,
                        new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 2, 1.0, 0, 1));
        assertThat(r.examples())
                .extracting(LabelledText::text)
                .containsExactlyInAnyOrder(
                        "day one 0", "day one 1", "day two 0", "day two 1", "calm one");
        assertThat(r.summary().dropped()).containsEntry("daily_cap", 6L);
    }

    @Test
    void oneUserCannotGiveMoreThanTheirShare() {
        List<FeedbackReport> reports = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            reports.add(spam("loud", "loud " + i, "2026-12-01T10:00:00Z"));
        }
        for (int u = 0; u < 20; u++) {
            reports.add(ham("user" + u, "quiet " + u, "2026-12-01T10:00:00Z"));
        }
        FeedbackGuards.Result r =
                FeedbackGuards.apply(
                        reports,
                        new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 1000, 0.2, 0, 7));
        // 100 candidates, cap ceil(0.2 x 100) = 20 per user: the loud one keeps 20 of 80.
        assertThat(r.summary().byUser()).containsEntry("loud", 20L);
        assertThat(r.summary().dropped()).containsEntry("user_share", 60L);
        assertThat(r.examples()).hasSize(40);
        // The same seed drops the same examples.
        FeedbackGuards.Result again =
                FeedbackGuards.apply(
                        reports,
                        new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 1000, 0.2, 0, 7));
        assertThat(again.examples()).isEqualTo(r.examples());
        // The floor lets a small server's one busy user through.
        FeedbackGuards.Result floor =
                FeedbackGuards.apply(
                        reports,
                        new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 1000, 0.2, 100, 7));
        assertThat(floor.examples()).hasSize(100);
    }

    @Test
    void aMailWithoutTextTeachesNothing() {
        FeedbackGuards.Result r =
                FeedbackGuards.apply(
                        List.of(
                                spam("a", " ", "2026-12-01T10:00:00Z"),
                                spam("a", "text", "2026-12-01T10:00:00Z")),
                        open());
        assertThat(r.examples()).extracting(LabelledText::text).containsExactly("text");
        assertThat(r.summary().dropped()).containsEntry("no_text", 1L);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(
                        () -> new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 0, 0.2, 0, 1))
                .hasMessageContaining("daily cap");
        assertThatThrownBy(
                        () -> new FeedbackGuards.Settings(FeedbackGuards.Known.SKIP, 1, 1.5, 0, 1))
                .hasMessageContaining("share");
    }
}
