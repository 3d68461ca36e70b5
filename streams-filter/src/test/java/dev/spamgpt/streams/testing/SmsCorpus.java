package dev.spamgpt.streams.testing;

import dev.spamgpt.core.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Labelled SMS texts for the broker tests: the first lines of the shared UCI SMS Spam Collection
 * when it is there (read as plain TSV), else generated SMS-like texts, so the tests run either way.
 */
public final class SmsCorpus {

    /** One labelled message. */
    public record Sms(String label, String text) {}

    private static final String[] HAM = {
        "are we still on for lunch", "ok see u at home", "call me when you get this",
                "i'm running late sorry",
        "did you finish the report", "happy birthday!! have a great day", "where are you now",
                "love you, sleep well"
    };
    private static final String[] SPAM = {
        "WINNER! claim your FREE prize now", "URGENT: your account has a reward, text WIN to 80086",
        "you have won a 1000 cash award call 09061701461", "FREE ringtone! reply YES to 87121 now",
        "Congratulations, you are selected for a holiday, call now", "txt STOP to end, 150p/msg"
    };

    private SmsCorpus() {}

    /**
     * Returns the shared collection's path if the shared folder is there and has it.
     *
     * @return the file, or null
     */
    public static Path sharedFile() {
        return SharedData.find(SharedData.SMS_COLLECTION).orElse(null);
    }

    /**
     * Loads {@code n} labelled messages.
     *
     * @param n how many
     * @return the messages, in file order (or a fixed generated order)
     */
    public static List<Sms> load(int n) {
        Path file = sharedFile();
        List<Sms> out = new ArrayList<>(n);
        if (file != null) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0 && !line.substring(tab + 1).isBlank()) {
                        out.add(new Sms(line.substring(0, tab), line.substring(tab + 1)));
                    }
                    if (out.size() == n) {
                        return out;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Random random = new Random(20261126L);
        while (out.size() < n) {
            boolean spam = random.nextInt(7) == 0;
            String[] pool = spam ? SPAM : HAM;
            String text =
                    pool[random.nextInt(pool.length)]
                            + " "
                            + pool[random.nextInt(pool.length)]
                            + " #"
                            + out.size();
            out.add(new Sms(spam ? "spam" : "ham", text));
        }
        return out;
    }

    /** Tells where {@link #load} takes its texts from, for test logs. */
    public static String source() {
        Path file = sharedFile();
        return file != null ? file.toString() : "generated texts (shared SMS file not found)";
    }
}
