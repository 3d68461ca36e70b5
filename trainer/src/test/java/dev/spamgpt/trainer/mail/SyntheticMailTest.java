package dev.spamgpt.trainer.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
