package dev.spamgpt.trainer.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.text.MessageText;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.data.LabelledText;
import dev.spamgpt.trainer.data.ReadResult;
import dev.spamgpt.trainer.download.HttpDownload;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpamAssassinCorpusTest {

    private static final SpamAssassinArchive HAM =
            SpamAssassinArchive.of("20990101_easy_ham.tar.bz2", 3);
    private static final SpamAssassinArchive SPAM =
            SpamAssassinArchive.of("20990101_spam.tar.bz2", 2);

    @TempDir Path tmp;

    private Path site;
    private Path cache;
    private LocalHub hub;

    @BeforeEach
    void start() throws IOException {
        site = tmp.resolve("site");
        cache = tmp.resolve("cache");
        hub = new LocalHub().serve("sa", site);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private String baseUrl() {
        return hub.url() + "/sa/resolve/main/";
    }

    private SpamAssassinCorpus corpus(SpamAssassinArchive... archives) {
        return new SpamAssassinCorpus(cache, baseUrl(), Arrays.asList(archives), false)
                .withDownload(
                        HttpDownload.create()
                                .withProgress(false)
                                .withRetries(0, Duration.ofMillis(1))
                                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    private void serveDefaults() throws IOException {
        CorpusArchives ham = CorpusArchives.corpus("easy_ham", "meeting", 3);
        // A body line starting "From " after a blank line: still one mail, not an mbox split.
        ham.mail("easy_ham/00009.extra", "x", "hello\n\nFrom here on we agree");
        ham.writeTo(site.resolve(HAM.fileName()));
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));
    }

    @Test
    void fetchShouldDownloadExtractAndRecordEachArchive() throws IOException {
        CorpusArchives.corpus("easy_ham", "meeting", 3).writeTo(site.resolve(HAM.fileName()));
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));

        CorpusResult result = corpus(HAM, SPAM).fetch();

        assertThat(result.archives()).hasSize(2);
        CorpusResult.Archive ham = result.archives().get(0);
        assertThat(ham.name()).isEqualTo("20990101_easy_ham.tar.bz2");
        assertThat(ham.url()).isEqualTo(baseUrl() + "20990101_easy_ham.tar.bz2");
        assertThat(ham.sha256()).isEqualTo(Sha256.ofFile(site.resolve(HAM.fileName())));
        assertThat(ham.label()).isEqualTo(LabelledText.HAM);
        assertThat(ham.mails()).isEqualTo(3);
        assertThat(ham.folder())
                .isEqualTo(cache.resolve("spamassassin/20990101_easy_ham/easy_ham"));
        assertThat(ham.downloaded()).isTrue();
        CorpusResult.Archive spam = result.archives().get(1);
        assertThat(spam.label()).isEqualTo(LabelledText.SPAM);
        assertThat(spam.mails()).isEqualTo(2);
        assertThat(spam.sha256()).isEqualTo(Sha256.ofFile(site.resolve(SPAM.fileName())));

        List<Map<String, Object>> manifest = result.toManifest();
        assertThat(manifest.get(0))
                .containsEntry("label", "ham")
                .containsEntry("mails", 3)
                .containsEntry("documented_mails", 3)
                .containsEntry("sha256", ham.sha256());
        assertThat(manifest.get(1)).containsEntry("label", "spam");
    }

    @Test
    void readShouldLabelByArchiveDropTheEnvelopeAndSkipCmds() throws IOException {
        serveDefaults();
        SpamAssassinArchive ham = SpamAssassinArchive.of(HAM.fileName(), 4);

        ReadResult read = corpus(ham, SPAM).fetch().read(MessageText.Limits.defaults());

        assertThat(read.count(LabelledText.HAM)).isEqualTo(4);
        assertThat(read.count(LabelledText.SPAM)).isEqualTo(2);
        assertThat(read.malformed()).isZero();
        assertThat(read.skipped()).isEqualTo(2);
        assertThat(read.skippedSamples()).allMatch(s -> s.contains("cmds"));
        for (LabelledText example : read.examples()) {
            String word = example.label() == LabelledText.SPAM ? "viagra" : "meeting";
            assertThat(example.text()).doesNotContain("Thu Aug 22");
            if (!example.text().contains("agree")) {
                assertThat(example.text()).contains(word + " body number");
            }
        }
        assertThat(read.examples()).anyMatch(e -> e.text().contains("From here on we agree"));
    }

    @Test
    void secondFetchShouldDownloadAndExtractNothing() throws IOException {
        CorpusArchives.corpus("easy_ham", "meeting", 3).writeTo(site.resolve(HAM.fileName()));
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));
        CorpusResult first = corpus(HAM, SPAM).fetch();
        int requests = hub.requests().size();
        Path mail = first.archives().get(0).folder().resolve("cmds");
        long modified = Files.getLastModifiedTime(mail).toMillis();

        CorpusResult second = corpus(HAM, SPAM).fetch();

        assertThat(hub.requests()).hasSize(requests);
        assertThat(second.downloadedCount()).isZero();
        assertThat(first.downloadedCount()).isEqualTo(2);
        assertThat(second.archives().get(0).sha256()).isEqualTo(first.archives().get(0).sha256());
        assertThat(second.archives().get(1).mails()).isEqualTo(2);
        assertThat(Files.getLastModifiedTime(mail).toMillis()).isEqualTo(modified);
    }

    @Test
    void aChangedArchiveInTheCacheShouldBeExtractedAgain() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));
        corpus(SPAM).fetch();
        SpamAssassinArchive three = SpamAssassinArchive.of(SPAM.fileName(), 3);
        CorpusArchives.corpus("spam", "lottery", 3)
                .writeTo(cache.resolve("spamassassin").resolve(SPAM.fileName()));

        CorpusResult result = corpus(three).fetch();

        assertThat(result.archives().get(0).mails()).isEqualTo(3);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aCountOtherThanTheDocumentedOneShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));
        SpamAssassinArchive documented = SpamAssassinArchive.of(SPAM.fileName(), 500);

        assertThatThrownBy(() -> corpus(documented).fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds 2 mails, but the corpus documents 500")
                .hasMessageContaining("the archive was deleted");
        assertNothingKept();
    }

    @Test
    void anUnknownCountShouldCheckOnlyTheStructure() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2).writeTo(site.resolve(SPAM.fileName()));

        CorpusResult result = corpus(SpamAssassinArchive.of(SPAM.fileName(), -1)).fetch();

        assertThat(result.archives().get(0).mails()).isEqualTo(2);
        assertThat(result.toManifest().get(0).get("documented_mails")).isNull();
    }

    @Test
    void aMissingCmdsFileShouldBeRefused() throws IOException {
        new CorpusArchives()
                .mail("spam/00001.abc", "s", "b")
                .mail("spam/00002.abd", "s", "b")
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "has no spam/cmds file");
    }

    @Test
    void twoTopFoldersShouldBeRefused() throws IOException {
        new CorpusArchives()
                .file("spam/cmds", "x")
                .mail("spam/00001.abc", "s", "b")
                .mail("other/00002.abd", "s", "b")
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "should hold one top folder, but holds 2");
    }

    @Test
    void aParentSegmentShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2)
                .file("spam/../../../escaped.txt", "boom")
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "leaves the target folder (..)");
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        assertThat(cache.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void anAbsolutePathShouldBeRefused() throws IOException {
        Path outside = tmp.resolve("absolute.txt");
        CorpusArchives.corpus("spam", "viagra", 2)
                .file(outside.toString(), "boom")
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "has an absolute or foreign path");
        assertThat(outside).doesNotExist();
    }

    @Test
    void aSymbolicLinkShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2)
                .link("spam/00003.link", "/etc/passwd", true)
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "is a link (to /etc/passwd)");
    }

    @Test
    void aHardLinkShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 2)
                .link("spam/00003.link", "spam/cmds", false)
                .writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM), "is a link (to spam/cmds)");
    }

    @Test
    void tooManyFilesShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 10).writeTo(site.resolve(SPAM.fileName()));

        assertRefused(corpus(SPAM).withLimits(1 << 20, 5, 1 << 20), "passes the limit of 5 files");
    }

    @Test
    void tooManyBytesShouldBeRefused() throws IOException {
        // 200 kB of one repeated byte compress to a few hundred bytes: a small bzip2 bomb.
        byte[] bomb = new byte[200_000];
        Arrays.fill(bomb, (byte) 'a');
        long compressed =
                new CorpusArchives()
                        .file("spam/cmds", "x")
                        .file("spam/00001.bomb", bomb)
                        .writeTo(site.resolve(SPAM.fileName()))
                        .toFile()
                        .length();
        assertThat(compressed).isLessThan(10_000);

        assertRefused(
                corpus(SPAM).withLimits(1 << 20, 100, 50_000),
                "passes the limit of 50000 bytes in all");
    }

    @Test
    void aTruncatedArchiveShouldBeRefused() throws IOException {
        byte[] whole = CorpusArchives.corpus("spam", "viagra", 40).bytes();
        Files.createDirectories(site);
        Files.write(site.resolve(SPAM.fileName()), Arrays.copyOf(whole, whole.length / 2));

        assertRefused(corpus(SPAM), "is not a complete .tar.bz2 archive");
    }

    @Test
    void aFileThatIsNoArchiveShouldBeRefused() throws IOException {
        Files.createDirectories(site);
        Files.writeString(site.resolve(SPAM.fileName()), "<html>Not Found</html>\n");

        assertRefused(corpus(SPAM), "is not a complete .tar.bz2 archive");
    }

    @Test
    void anArchiveTooLargeToDownloadShouldBeRefused() throws IOException {
        CorpusArchives.corpus("spam", "viagra", 50).writeTo(site.resolve(SPAM.fileName()));

        assertThatThrownBy(() -> corpus(SPAM).withLimits(100, 100, 1 << 20).fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused");
        assertNothingKept();
    }

    @Test
    void archiveNamesShouldGiveTheLabelOrBeRefused() {
        assertThat(SpamAssassinArchive.of("20030228_hard_ham.tar.bz2", -1).label())
                .isEqualTo(LabelledText.HAM);
        assertThat(SpamAssassinArchive.of("20050311_spam_2.tar.bz2", -1).label())
                .isEqualTo(LabelledText.SPAM);
        assertThatThrownBy(() -> SpamAssassinArchive.of("20030228_mixed.tar.bz2", -1))
                .hasMessageContaining("either ham or spam");
        assertThatThrownBy(() -> SpamAssassinArchive.of("../spam.tar.bz2", -1))
                .hasMessageContaining("not a corpus archive name");
        assertThat(SpamAssassinArchive.named("20050311_spam_2"))
                .isSameAs(SpamAssassinArchive.SPAM_2);
        assertThatThrownBy(() -> SpamAssassinArchive.named("spam_3"))
                .hasMessageContaining("known: 20021010_easy_ham");
    }

    @Test
    void theDefaultsShouldBeTheNewestOfEachKind() {
        assertThat(SpamAssassinArchive.DEFAULTS)
                .extracting(SpamAssassinArchive::fileName)
                .containsExactly(
                        "20030228_easy_ham.tar.bz2",
                        "20030228_easy_ham_2.tar.bz2",
                        "20030228_hard_ham.tar.bz2",
                        "20030228_spam.tar.bz2",
                        "20050311_spam_2.tar.bz2");
        assertThat(SpamAssassinArchive.ALL).hasSize(9).containsAll(SpamAssassinArchive.DEFAULTS);
        int ham = 0;
        int spam = 0;
        for (SpamAssassinArchive archive : SpamAssassinArchive.DEFAULTS) {
            if (archive.label() == LabelledText.SPAM) {
                spam += archive.documentedMails();
            } else {
                ham += archive.documentedMails();
            }
        }
        assertThat(ham).isEqualTo(4150);
        assertThat(spam).isEqualTo(1896);
        assertThat(new SpamAssassinCorpus(cache, null, null, false).folder())
                .isEqualTo(cache.resolve("spamassassin"));
    }

    private void assertRefused(SpamAssassinCorpus corpus, String why) {
        assertThatThrownBy(corpus::fetch)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(SPAM.fileName())
                .hasMessageContaining(why)
                .hasMessageContaining("the archive was deleted");
        assertNothingKept();
    }

    /** Neither the archive, nor an extracted folder, nor a temporary folder is left. */
    private void assertNothingKept() {
        try {
            assertThat(entries()).isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Temporary and moved-aside folders, partial downloads. */
    private List<String> leftovers() throws IOException {
        return entries().stream()
                .filter(n -> n.startsWith(".") || n.endsWith(".part"))
                .collect(Collectors.toList());
    }

    private List<String> entries() throws IOException {
        Path dir = cache.resolve("spamassassin");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
