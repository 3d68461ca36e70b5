package dev.spamgpt.mailet.james;

import dev.spamgpt.core.inference.SpamClassifier;
import dev.spamgpt.core.testing.TinyBundles;
import dev.spamgpt.core.text.MessageText;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

/**
 * Runs in a JVM of its own, with core on the class path (the integration tests' JVM has none, like
 * a stock James): writes a random-weight bundle and asks the classifier for the score of each mail,
 * read the way the mailet reads it. Prints nothing on stdout; writes one line per mail: the score,
 * or {@code skip} for a mail without text.
 *
 * <p>Arguments: bundle folder, seed, output file, .eml files.
 */
public final class VerdictTool {

    private VerdictTool() {}

    public static void main(String[] args) throws Exception {
        Path bundle = Paths.get(args[0]);
        long seed = Long.parseLong(args[1]);
        Path out = Paths.get(args[2]);
        if (!Files.exists(bundle.resolve("manifest.json"))) {
            TinyBundles.randomBundle(bundle, seed);
        }
        // The mailet's defaults: 256 KiB of raw mail; these mails are far below its character cap.
        MessageText.Limits limits = MessageText.Limits.defaults().withMaxBytes(256 * 1024);
        List<String> lines = new ArrayList<>();
        try (SpamClassifier classifier = SpamClassifier.open(bundle)) {
            Session session = Session.getInstance(new Properties());
            for (int i = 3; i < args.length; i++) {
                MimeMessage message;
                try (InputStream in = Files.newInputStream(Paths.get(args[i]))) {
                    message = new MimeMessage(session, in);
                }
                MessageText.Result text = MessageText.fromMessage(message, limits);
                lines.add(
                        text.hasText()
                                ? Float.toString(classifier.spamProbability(text.text()))
                                : "skip");
            }
        }
        Files.write(out, lines, StandardCharsets.UTF_8);
    }
}
