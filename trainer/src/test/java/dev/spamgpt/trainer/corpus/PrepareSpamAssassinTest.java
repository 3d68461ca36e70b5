package dev.spamgpt.trainer.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.cli.SpamGptCli;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code prepare --dataset spamassassin} end to end, against a local server holding synthetic
 * archives of the default set, with the documented mail counts, in the corpus's own layout.
 */
class PrepareSpamAssassinTest {

    @TempDir Path tmp;

    @Test
    void prepareReadsTheDefaultArchivesAndRecordsEachOne() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        for (SpamAssassinArchive archive : SpamAssassinArchive.DEFAULTS) {
            String top = archive.fileName().replaceFirst("^\\d+_", "").replace(".tar.bz2", "");
            CorpusArchives.corpus(
                            top,
                            archive.label() == 1 ? "prize" : "meeting",
                            archive.documentedMails())
                    .writeTo(site.resolve(archive.fileName()));
        }
        try (LocalHub hub = new LocalHub().serve("sa", site)) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = SpamGptCli.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            Path data = tmp.resolve("data");
            int code =
                    cli.execute(
                            "prepare",
                            "--source",
                            "spamassassin:" + hub.url() + "/sa/resolve/main/",
                            "--cache-dir",
                            tmp.resolve("cache").toString(),
                            "--out",
                            data.toString());
            assertThat(code).as(out + "\n" + err).isZero();
            JsonNode dataset = new ObjectMapper().readTree(data.resolve("dataset.json").toFile());
            assertThat(dataset.get("data_domain").asText()).isEqualTo("mail");
            JsonNode source = dataset.get("sources").get(0);
            assertThat(source.get("kind").asText()).isEqualTo("spamassassin");
            assertThat(source.get("read").get("ham").asLong()).isEqualTo(2500 + 1400 + 250);
            assertThat(source.get("read").get("spam").asLong()).isEqualTo(500 + 1396);
            JsonNode archives = source.get("archives");
            assertThat(archives).hasSize(5);
            for (JsonNode a : archives) {
                assertThat(a.get("sha256").asText())
                        .isEqualTo(Sha256.ofFile(site.resolve(a.get("name").asText())));
            }
        }
    }
}
