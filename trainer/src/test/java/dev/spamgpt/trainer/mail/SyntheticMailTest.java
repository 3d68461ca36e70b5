package dev.spamgpt.trainer.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.MailFolderReader;
import dev.spamgpt.trainer.data.ReadResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMailTest {

    @Test
    void sameSeedSameMailBothClassesAndEveryFileParses(@TempDir Path dir) throws Exception {
        new SyntheticMail(7).write(dir.resolve("a"), 60, 0.0);
        new SyntheticMail(7).write(dir.resolve("b"), 60, 0.0);
        ReadResult a = MailFolderReader.read(dir.resolve("a"), MessageText.Limits.defaults());
        ReadResult b = MailFolderReader.read(dir.resolve("b"), MessageText.Limits.defaults());
        List<LabelledText> examples = a.examples();
        assertEquals(60, examples.size());
        assertEquals(0, a.malformed());
        assertEquals(examples, b.examples());
        long spam = examples.stream().filter(e -> e.label() == 1).count();
        assertEquals(30, spam);
        assertTrue(examples.stream().allMatch(e -> !e.text().contains("Content-Transfer")));
    }

    @Test
    void copiedWordingMakesPhishingAndRealNotificationsShareTheirWords(@TempDir Path dir)
            throws Exception {
        new SyntheticMail(3, 100).write(dir, 400, 0.0);
        List<LabelledText> examples =
                MailFolderReader.read(dir, MessageText.Limits.defaults()).examples();
        // With every phishing mail copying the real wording, the phishing-only sentence is gone,
        // and the real mail's calm sentence shows up in spam too.
        String calm = "you do not need to verify";
        assertTrue(
                examples.stream()
                        .noneMatch(e -> e.text().contains("If this was not you, you need to")));
        assertTrue(examples.stream().anyMatch(e -> e.label() == 1 && e.text().contains(calm)));
        assertTrue(examples.stream().anyMatch(e -> e.label() == 0 && e.text().contains(calm)));
        // Forwarded phishing is ham.
        assertTrue(
                examples.stream()
                        .anyMatch(
                                e ->
                                        e.label() == 0
                                                && e.text().contains("Forwarded message")
                                                && e.text().contains("verify your account")));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticMail(3, 101));
    }
}
