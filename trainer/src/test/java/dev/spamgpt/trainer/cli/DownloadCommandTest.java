package dev.spamgpt.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spamgpt.core.testing.GoldenFixture;
import dev.spamgpt.core.util.Sha256;
import dev.spamgpt.trainer.download.LocalHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadCommandTest {

    @TempDir Path tmp;

    /** {@code download} of test-org/golden from the hub into the cache. */
    private static CliRun download(Path cache, LocalHub hub) {
        return CliRun.of(
                "download",
                "--base-model",
                "test-org/golden",
                "--cache-dir",
                cache.toString(),
                "--hub-url",
                hub.url());
    }

    @Test
    void downloadShouldFillTheCacheAndPrintThePathAndSha256() throws IOException {
        Path source = GoldenFixture.copyCheckpoint(tmp.resolve("source"));
        Path cache = tmp.resolve("cache");
        try (LocalHub hub = new LocalHub().serve("test-org/golden", source)) {
            CliRun run = download(cache, hub);

            assertThat(run.code).as(run.toString()).isZero();
            Path folder = cache.resolve("models/test-org--golden").toAbsolutePath();
            Path weights = folder.resolve("model.safetensors");
            assertThat(Files.readAllBytes(weights))
                    .isEqualTo(Files.readAllBytes(source.resolve("model.safetensors")));
            assertThat(run.out.lines())
                    .containsExactly(folder.toString(), Sha256.ofFile(weights) + "  " + weights);
            assertThat(run.err)
                    .contains("test-org/golden: GptConfig[vocab=50257, ctx=32, emb=8, layers=2");

            CliRun again = download(cache, hub);
            assertThat(again.code).isZero();
            assertThat(hub.requests()).as("the second run reuses the cache").hasSize(2);
        }
    }

    @Test
    void downloadShouldRefuseFilesThatAreNotAGpt2Checkpoint() throws IOException {
        Path source = GoldenFixture.copyCheckpoint(tmp.resolve("source"));
        Files.writeString(source.resolve("model.safetensors"), "<html>rate limited</html>");
        try (LocalHub hub = new LocalHub().serve("test-org/golden", source)) {
            CliRun run = download(tmp.resolve("cache"), hub);

            assertThat(run.code).isEqualTo(SpamGptCli.EXIT_FAILURE);
            assertThat(run.err)
                    .contains("not a usable GPT-2 checkpoint")
                    .contains("not a valid safetensors file");
        }
    }

    @Test
    void aLocalFolderShouldBeCheckedAndReportedWithoutDownloading() throws IOException {
        Path folder = GoldenFixture.copyCheckpoint(tmp.resolve("local"));

        CliRun run = CliRun.of("download", "--base-model", folder.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).contains(Sha256.ofFile(folder.resolve("model.safetensors")));
    }
}
