package dev.spamgpt.trainer.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Builds small synthetic {@code .tar.bz2} archives in the layout of the SpamAssassin public corpus
 * (a top folder, one mail per file starting with an mbox {@code From } line, a {@code cmds} file),
 * and hostile ones.
 */
final class CorpusArchives {

    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> bodies = new ArrayList<>();

    /** Adds a regular file. */
    CorpusArchives file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    CorpusArchives file(String name, byte[] content) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        entry.setSize(content.length);
        entries.add(entry);
        bodies.add(content);
        return this;
    }

    CorpusArchives folder(String name) {
        entries.add(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true));
        bodies.add(new byte[0]);
        return this;
    }

    CorpusArchives link(String name, String target, boolean symbolic) {
        TarArchiveEntry entry =
                new TarArchiveEntry(
                        name, symbolic ? TarConstants.LF_SYMLINK : TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        entries.add(entry);
        bodies.add(new byte[0]);
        return this;
    }

    /** Adds a mail in the corpus's format: an mbox envelope line, headers, a body. */
    CorpusArchives mail(String name, String subject, String body) {
        return file(
                name,
                "From sender@example.org  Thu Aug 22 12:36:23 2002\n"
                        + "From: sender@example.org\n"
                        + "To: someone@example.org\n"
                        + "Subject: "
                        + subject
                        + "\n\n"
                        + body
                        + "\n");
    }

    /** A well-formed archive: {@code top/} with {@code mails} mails and a cmds file. */
    static CorpusArchives corpus(String top, String word, int mails) {
        CorpusArchives archive = new CorpusArchives().folder(top);
        StringBuilder cmds = new StringBuilder();
        for (int i = 1; i <= mails; i++) {
            String name = String.format("%05d.%032x", i, i * 7919L);
            archive.mail(top + "/" + name, word + " subject " + i, word + " body number " + i);
            cmds.append("mv ").append(i).append(' ').append(name).append('\n');
        }
        return archive.file(top + "/cmds", cmds.toString());
    }

    byte[] bytes() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (OutputStream bz = new BZip2CompressorOutputStream(buffer);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(bz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < entries.size(); i++) {
                tar.putArchiveEntry(entries.get(i));
                tar.write(bodies.get(i));
                tar.closeArchiveEntry();
            }
        }
        return buffer.toByteArray();
    }

    Path writeTo(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes());
    }
}
