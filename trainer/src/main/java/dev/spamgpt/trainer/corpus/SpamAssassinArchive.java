package dev.spamgpt.trainer.corpus;

import dev.spamgpt.trainer.data.LabelledText;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One archive of the SpamAssassin public corpus: its file name on the site, the label of all its
 * mails, and the mail count the corpus readme documents for it (or -1 where it documents none).
 *
 * <p>The label comes from the name: {@code *spam*} is spam, {@code *ham*} is ham. The counts are
 * those of the readme of {@code https://spamassassin.apache.org/old/publiccorpus/}: spam 500,
 * easy_ham 2500, hard_ham 250, easy_ham_2 1400, spam_2 1397, for the 20030228 set; its change log
 * removes one misfiled mail from spam_2 on 11 March 2005, the date of {@code 20050311_spam_2}, so
 * that archive has 1396. The 20021010 archives predate the readme's later clean-ups (duplicates
 * removed on 4 December 2002), so no count is checked for them.
 */
public final class SpamAssassinArchive {

    private static final String SUFFIX = ".tar.bz2";

    /** 2002 archives: the first release. */
    public static final SpamAssassinArchive EASY_HAM_20021010 = of("20021010_easy_ham.tar.bz2", -1);

    /** 2002 hard ham. */
    public static final SpamAssassinArchive HARD_HAM_20021010 = of("20021010_hard_ham.tar.bz2", -1);

    /** 2002 spam. */
    public static final SpamAssassinArchive SPAM_20021010 = of("20021010_spam.tar.bz2", -1);

    /** Easy ham, 2003 clean-up. */
    public static final SpamAssassinArchive EASY_HAM = of("20030228_easy_ham.tar.bz2", 2500);

    /** The later easy ham. */
    public static final SpamAssassinArchive EASY_HAM_2 = of("20030228_easy_ham_2.tar.bz2", 1400);

    /** Hard ham (HTML, spammy wording), 2003 clean-up. */
    public static final SpamAssassinArchive HARD_HAM = of("20030228_hard_ham.tar.bz2", 250);

    /** Spam, 2003 clean-up. */
    public static final SpamAssassinArchive SPAM = of("20030228_spam.tar.bz2", 500);

    /** The later spam before the 2005 fix; superseded by {@link #SPAM_2}. */
    public static final SpamAssassinArchive SPAM_2_20030228 = of("20030228_spam_2.tar.bz2", 1397);

    /** The later spam with the misfiled ham removed (11 March 2005). */
    public static final SpamAssassinArchive SPAM_2 = of("20050311_spam_2.tar.bz2", 1396);

    /** Every archive the site lists, oldest first. */
    public static final List<SpamAssassinArchive> ALL =
            List.of(
                    EASY_HAM_20021010,
                    HARD_HAM_20021010,
                    SPAM_20021010,
                    EASY_HAM,
                    EASY_HAM_2,
                    HARD_HAM,
                    SPAM,
                    SPAM_2_20030228,
                    SPAM_2);

    /**
     * The default set: the newest archive of each of the five kinds, so no mail is read twice (the
     * 20021010 and 20030228 archives of a kind hold mostly the same mails): 4150 ham and 1896 spam.
     */
    public static final List<SpamAssassinArchive> DEFAULTS =
            List.of(EASY_HAM, EASY_HAM_2, HARD_HAM, SPAM, SPAM_2);

    private final String fileName;
    private final int label;
    private final int documentedMails;

    private SpamAssassinArchive(String fileName, int label, int documentedMails) {
        this.fileName = fileName;
        this.label = label;
        this.documentedMails = documentedMails;
    }

    /**
     * Describes an archive by its file name.
     *
     * @param fileName such as {@code 20030228_spam.tar.bz2}: a plain name ending in {@code
     *     .tar.bz2} whose kind contains {@code ham} or {@code spam}
     * @param documentedMails the expected mail count, or -1 to check only the structure
     * @return the archive
     * @throws IllegalArgumentException if the name is not such a name
     */
    public static SpamAssassinArchive of(String fileName, int documentedMails) {
        Objects.requireNonNull(fileName, "fileName");
        if (!fileName.endsWith(SUFFIX)
                || fileName.length() == SUFFIX.length()
                || !fileName.matches("[A-Za-z0-9_.-]+")
                || fileName.startsWith(".")) {
            throw new IllegalArgumentException(
                    "not a corpus archive name: '" + fileName + "' (expected NAME.tar.bz2)");
        }
        String kind = fileName.toLowerCase(Locale.ROOT);
        boolean spam = kind.contains("spam");
        boolean ham = kind.replace("spam", "").contains("ham");
        if (spam == ham) {
            throw new IllegalArgumentException(
                    "cannot tell the label of '"
                            + fileName
                            + "': the name must contain either ham or spam");
        }
        return new SpamAssassinArchive(
                fileName, spam ? LabelledText.SPAM : LabelledText.HAM, documentedMails);
    }

    /**
     * Finds a listed archive by its file name or its stem ({@code 20030228_spam}).
     *
     * @param name the name
     * @return the archive
     * @throws IllegalArgumentException naming the known archives if there is none such
     */
    public static SpamAssassinArchive named(String name) {
        for (SpamAssassinArchive archive : ALL) {
            if (archive.fileName.equals(name) || archive.stem().equals(name)) {
                return archive;
            }
        }
        StringBuilder known = new StringBuilder();
        for (SpamAssassinArchive archive : ALL) {
            known.append(known.length() == 0 ? "" : ", ").append(archive.stem());
        }
        throw new IllegalArgumentException(
                "unknown SpamAssassin archive '" + name + "'; known: " + known);
    }

    /**
     * @return the file name, such as {@code 20030228_spam.tar.bz2}
     */
    public String fileName() {
        return fileName;
    }

    /**
     * @return the file name without {@code .tar.bz2}, the name of its cache folder
     */
    public String stem() {
        return fileName.substring(0, fileName.length() - SUFFIX.length());
    }

    /**
     * @return {@link LabelledText#HAM} or {@link LabelledText#SPAM}
     */
    public int label() {
        return label;
    }

    /**
     * @return the documented mail count, or -1 if none is documented
     */
    public int documentedMails() {
        return documentedMails;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpamAssassinArchive other
                && fileName.equals(other.fileName)
                && documentedMails == other.documentedMails;
    }

    @Override
    public int hashCode() {
        return fileName.hashCode() * 31 + documentedMails;
    }

    @Override
    public String toString() {
        return fileName;
    }
}
