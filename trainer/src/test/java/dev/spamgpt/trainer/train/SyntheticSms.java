package dev.spamgpt.trainer.train;

import dev.spamgpt.trainer.data.DatasetCsv;
import dev.spamgpt.trainer.data.LabelledText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small labelled SMS-like data that tests make themselves: spam and ham use different words. */
public final class SyntheticSms {

    private static final String[] HAM = {
        "see you at lunch",
        "ok I will call you later",
        "are we still on for tonight",
        "thanks for the photos",
        "running late, sorry",
        "can you pick up milk",
        "happy birthday mate",
        "the meeting moved to 3",
        "love you, sleep well",
        "did you get home ok"
    };
    private static final String[] SPAM = {
        "WIN a FREE prize now",
        "URGENT! claim your cash reward",
        "txt STOP to 87121 to opt out",
        "you have won a 1000 GBP voucher",
        "call 0906 now for your award",
        "FREE ringtone reply YES",
        "congratulations you are selected for a bonus",
        "claim your mobile upgrade today"
    };

    private SyntheticSms() {}

    /**
     * Makes messages: one or two phrases of the class plus a random number.
     *
     * @param n how many
     * @param seed the seed
     * @return alternating ham and spam, shuffled
     */
    public static List<LabelledText> messages(int n, long seed) {
        Random random = new Random(seed);
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            String[] words = label == 1 ? SPAM : HAM;
            StringBuilder text = new StringBuilder(words[random.nextInt(words.length)]);
            if (random.nextBoolean()) {
                text.append(". ").append(words[random.nextInt(words.length)]);
            }
            text.append(' ').append(random.nextInt(1000));
            out.add(new LabelledText(text.toString(), label));
        }
        java.util.Collections.shuffle(out, random);
        return out;
    }

    /**
     * Writes train.csv (n), validation.csv and test.csv (n/4 each) as {@code prepare} would.
     *
     * @param dir the folder
     * @param n training examples
     * @param seed the seed
     * @return {@code dir}
     * @throws IOException if a file cannot be written
     */
    public static Path writeSplits(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        DatasetCsv.write(dir.resolve("train.csv"), messages(n, seed));
        DatasetCsv.write(dir.resolve("validation.csv"), messages(n / 4, seed + 1));
        DatasetCsv.write(dir.resolve("test.csv"), messages(n / 4, seed + 2));
        return dir;
    }
}
