package dev.spamgpt.trainer.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the UCI SMS Spam Collection: one message a line, {@code ham} or {@code spam}, a TAB, then
 * the text.
 *
 * <p>The file is plain TSV. Quotes are ordinary characters: reading it with CSV quoting (as pandas
 * does by default) merges two lines and strips the quotes of 55 messages, while this reader keeps
 * all 5,574.
 */
public final class SmsCollectionReader {

    /** The SHA-256 of {@code SMSSpamCollection} in the UCI zip (v.1, 5,574 lines). */
    public static final String SHA256 =
            "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d";

    /** Where the UCI zip is published. */
    public static final String URL =
            "https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip";

    /** The file name inside the zip. */
    public static final String FILE_NAME = "SMSSpamCollection";

    private SmsCollectionReader() {}

    /**
     * Reads the collection. Empty lines are ignored; any other line without a {@code ham} or {@code
     * spam} label, a TAB and some text is counted as malformed.
     *
     * @param file the {@code SMSSpamCollection} file
     * @return the messages and the malformed count
     * @throws IOException if the file cannot be read
     */
    public static ReadResult read(Path file) throws IOException {
        return read(file, ReadResult.DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads the collection; a line longer than {@code maxLineChars} is malformed.
     *
     * @param file the {@code SMSSpamCollection} file
     * @param maxLineChars the longest line kept
     * @return the messages and the malformed count
     * @throws IOException if the file cannot be read
     */
    public static ReadResult read(Path file, int maxLineChars) throws IOException {
        return read(file, maxLineChars, new ReadResult());
    }

    static ReadResult read(Path file, int maxLineChars, ReadResult into) throws IOException {
        return ReadResult.ofLines(
                file, String::isEmpty, SmsCollectionReader::parseLine, maxLineChars, into);
    }

    private static void parseLine(String where, String line, ReadResult result) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            result.malformed(where, "no TAB between label and text");
            return;
        }
        String label = line.substring(0, tab);
        String text = line.substring(tab + 1);
        if (!label.equals("ham") && !label.equals("spam")) {
            result.malformed(
                    where, "label is '" + ReadResult.abbreviate(label) + "', expected ham or spam");
        } else if (text.isBlank()) {
            result.malformed(where, "empty text");
        } else {
            result.add(where, text, LabelledText.parseLabel(label));
        }
    }
}
