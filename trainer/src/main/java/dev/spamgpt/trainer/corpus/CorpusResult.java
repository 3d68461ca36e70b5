package dev.spamgpt.trainer.corpus;

import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.MailFilesReader;
import dev.spamgpt.trainer.data.ReadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The archives of a corpus as they are in the cache: checked, extracted, and ready to read.
 *
 * @param archives one entry per archive, in the order asked for
 */
public record CorpusResult(List<Archive> archives) {

    /** The file in each top folder that lists how the archive was made: not a mail. */
    public static final String CMDS = "cmds";

    /**
     * One archive.
     *
     * @param name the file name, such as {@code 20030228_spam.tar.bz2}
     * @param url where it was downloaded from
     * @param sha256 the SHA-256 of the archive in the cache
     * @param label {@link LabelledText#HAM} or {@link LabelledText#SPAM}
     * @param mails how many mail files its top folder holds ({@value #CMDS} not counted)
     * @param documentedMails the count the corpus documents, or -1 (then only the structure was
     *     checked)
     * @param folder the extracted top folder, such as {@code
     *     <cache>/spamassassin/20030228_spam/spam}
     * @param downloaded whether it was downloaded by this run (false: the cached copy was used)
     */
    public record Archive(
            String name,
            String url,
            String sha256,
            int label,
            int mails,
            int documentedMails,
            Path folder,
            boolean downloaded) {}

    /** Copies the list. */
    public CorpusResult {
        archives = List.copyOf(archives);
    }

    /**
     * @return how many archives were downloaded by this run
     */
    public int downloadedCount() {
        return (int) archives.stream().filter(Archive::downloaded).count();
    }

    /**
     * Reads every mail of every archive, labelled by its archive. The mbox {@code From } line that
     * begins each file is dropped; {@value #CMDS} files are counted as skipped.
     *
     * @param limits the bounds of the text extraction
     * @return the examples in archive order, with malformed and skipped counts
     * @throws IOException if an extracted folder is gone
     */
    public ReadResult read(MessageText.Limits limits) throws IOException {
        List<MailFilesReader.Folder> folders = new ArrayList<>();
        for (Archive archive : archives) {
            folders.add(new MailFilesReader.Folder(archive.folder(), archive.label()));
        }
        return MailFilesReader.read(folders, Set.of(CMDS), limits);
    }

    /**
     * Describes the archives for {@code dataset.json}: name, url, sha256, label, mails,
     * documented_mails (null when none is documented).
     *
     * @return one map per archive, in order, ready for Jackson
     */
    public List<Map<String, Object>> toManifest() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Archive archive : archives) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", archive.name());
            entry.put("url", archive.url());
            entry.put("sha256", archive.sha256());
            entry.put("label", LabelledText.name(archive.label()));
            entry.put("mails", archive.mails());
            entry.put(
                    "documented_mails",
                    archive.documentedMails() < 0 ? null : archive.documentedMails());
            list.add(entry);
        }
        return list;
    }
}
