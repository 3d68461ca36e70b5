package dev.spamgpt.trainer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spamgpt.core.checkpoint.HfCheckpoint;
import dev.spamgpt.core.testing.TinyCheckpoints;
import dev.spamgpt.core.util.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubDownloaderTest {

    private static final String ID = "test-org/tiny-gpt2";

    @TempDir Path tmp;

    private LocalHub hub;
    private Path source;
    private Path cache;

    @BeforeEach
    void startHub() throws IOException {
        source =
                TinyCheckpoints.write(
                        tmp.resolve("source"), TinyCheckpoints.options().prefix(true));
        hub = new LocalHub().serve(ID, source);
        cache = tmp.resolve("cache");
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private HubDownloader downloader(String url) {
        return new HubDownloader(
                url,
                cache,
                HttpDownload.create()
                        .withProgress(false)
                        .withRetries(1, Duration.ofMillis(10))
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    @Test
    void resolveShouldReturnAnExistingFolderAsItIsWithoutTheNetwork() throws IOException {
        assertThat(downloader(hub.url()).resolve(source.toString())).isEqualTo(source);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void resolveShouldDownloadAHubIdIntoItsCacheFolder() throws IOException {
        Path folder = downloader(hub.url()).resolve(ID);

        assertThat(folder).isEqualTo(cache.resolve("test-org--tiny-gpt2"));
        for (String file : HubDownloader.FILES) {
            assertThat(Files.readAllBytes(folder.resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(source.resolve(file)));
        }
        assertThat(hub.requests())
                .containsExactly(
                        "GET /test-org/tiny-gpt2/resolve/main/config.json",
                        "GET /test-org/tiny-gpt2/resolve/main/model.safetensors");
        assertThat(HfCheckpoint.readConfig(folder)).isEqualTo(TinyCheckpoints.TINY);
    }

    @Test
    void resolveShouldReuseTheCacheOnTheNextRun() throws IOException {
        Path first = downloader(hub.url()).resolve(ID);
        int requests = hub.requests().size();
        hub.close(); // the next run is offline

        Path second = downloader(hub.url()).resolve(ID);

        assertThat(second).isEqualTo(first);
        assertThat(hub.requests()).hasSize(requests);
    }

    @Test
    void downloadShouldResumeAPartialFileWithARangeRequest() throws IOException {
        Path folder = cache.resolve("test-org--tiny-gpt2");
        Files.createDirectories(folder);
        byte[] full = Files.readAllBytes(source.resolve(HfCheckpoint.WEIGHTS));
        Files.write(folder.resolve("model.safetensors.part"), Arrays.copyOf(full, 100_000));

        downloader(hub.url()).resolve(ID);

        assertThat(Files.readAllBytes(folder.resolve(HfCheckpoint.WEIGHTS))).isEqualTo(full);
        assertThat(hub.requests())
                .contains(
                        "GET /test-org/tiny-gpt2/resolve/main/model.safetensors Range:"
                                + " bytes=100000-");
        assertThat(folder.resolve("model.safetensors.part")).doesNotExist();
    }

    @Test
    void downloadShouldResumeAfterTheConnectionDrops() throws IOException {
        byte[] config = Files.readAllBytes(source.resolve(HfCheckpoint.CONFIG));
        hub.cutNextResponseAfter(
                config.length / 2); // the first response, config.json, drops halfway

        Path folder = downloader(hub.url()).resolve(ID);

        assertThat(Files.readAllBytes(folder.resolve(HfCheckpoint.CONFIG))).isEqualTo(config);
        assertThat(hub.requests())
                .contains(
                        "GET /test-org/tiny-gpt2/resolve/main/config.json Range: bytes="
                                + config.length / 2
                                + "-");
    }

    @Test
    void offlineErrorShouldListEveryUrlAndWhereToPutTheFiles() throws IOException {
        String deadUrl = LocalHub.deadUrl();
        Path folder = cache.resolve("test-org--tiny-gpt2").toAbsolutePath();

        assertThatThrownBy(() -> downloader(deadUrl).resolve(ID))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("base model " + ID + " is not in the cache")
                .hasMessageContaining("cannot connect")
                .hasMessageContaining(
                        deadUrl
                                + "/test-org/tiny-gpt2/resolve/main/config.json  ->  "
                                + folder.resolve("config.json"))
                .hasMessageContaining(
                        deadUrl
                                + "/test-org/tiny-gpt2/resolve/main/model.safetensors  ->  "
                                + folder.resolve("model.safetensors"))
                .hasMessageContaining("pass a local folder");
    }

    @Test
    void unknownIdShouldSayTheHubAnsweredNotFound() {
        assertThatThrownBy(() -> downloader(hub.url()).resolve("test-org/no-such-model"))
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("/test-org/no-such-model/resolve/main/config.json");
        assertThat(cache.resolve("test-org--no-such-model").resolve("config.json")).doesNotExist();
    }

    @Test
    void resolveShouldRefuseSomethingThatIsNeitherAFolderNorAnId() throws IOException {
        Path file = Files.write(tmp.resolve("weights.bin"), new byte[] {1});

        assertThatThrownBy(() -> downloader(hub.url()).resolve(tmp.resolve("missing").toString()))
                .hasMessageContaining("neither a folder nor a hub id");
        assertThatThrownBy(() -> downloader(hub.url()).resolve("../escape/model"))
                .hasMessageContaining("neither a folder nor a hub id");
        assertThatThrownBy(() -> downloader(hub.url()).resolve(file.toString()))
                .hasMessageContaining("neither a folder nor a hub id");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void defaultsShouldPointAtTheHubAndTheUserCache() {
        HubDownloader d = HubDownloader.create(null);
        assertThat(HubDownloader.defaultCacheDir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "spamgpt", "models"));
        assertThat(d.cacheFolder(HubDownloader.DEFAULT_MODEL))
                .isEqualTo(HubDownloader.defaultCacheDir().resolve("openai-community--gpt2"));
        if (System.getProperty(HubDownloader.HUB_URL_PROPERTY) == null
                && System.getenv("HF_ENDPOINT") == null) {
            assertThat(d.url(HubDownloader.DEFAULT_MODEL, "model.safetensors"))
                    .isEqualTo(
                            "https://huggingface.co/openai-community/gpt2/resolve/main/model.safetensors");
        }
    }

    private Path weightsInCache() {
        return cache.resolve("test-org--tiny-gpt2").resolve(HfCheckpoint.WEIGHTS);
    }

    @Test
    void lfsFileShouldBeCheckedAgainstTheSha256AndSizeTheHubDeclares() throws IOException {
        hub.lfs(HfCheckpoint.WEIGHTS);

        Path folder = downloader(hub.url()).resolve(ID);

        assertThat(Files.readAllBytes(folder.resolve(HfCheckpoint.WEIGHTS)))
                .isEqualTo(Files.readAllBytes(source.resolve(HfCheckpoint.WEIGHTS)));
        assertThat(hub.requests()).contains("GET /cdn/test-org/tiny-gpt2/model.safetensors");
    }

    @Test
    void lfsFileWhoseSha256DiffersFromTheDeclaredOneShouldBeRefusedAndNotKept() throws IOException {
        long size = Files.size(source.resolve(HfCheckpoint.WEIGHTS));
        hub.declare(HfCheckpoint.WEIGHTS, "ab".repeat(32), size);

        assertThatThrownBy(() -> downloader(hub.url()).resolve(ID))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ab".repeat(32))
                .hasMessageContaining("X-Linked-Etag");
        assertThat(weightsInCache()).doesNotExist();
        assertThat(weightsInCache().resolveSibling("model.safetensors.part")).doesNotExist();

        // A later run with an honest hub downloads it again: nothing bad was kept.
        hub.lfs(HfCheckpoint.WEIGHTS);
        downloader(hub.url()).resolve(ID);
        assertThat(Files.readAllBytes(weightsInCache()))
                .isEqualTo(Files.readAllBytes(source.resolve(HfCheckpoint.WEIGHTS)));
    }

    @Test
    void bodyLargerThanTheDeclaredSizeShouldBeRefusedAndNotKept() throws IOException {
        String sha = Sha256.ofFile(source.resolve(HfCheckpoint.WEIGHTS));
        hub.declare(HfCheckpoint.WEIGHTS, sha, 1000);

        assertThatThrownBy(() -> downloader(hub.url()).resolve(ID))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("1000");
        assertThat(weightsInCache()).doesNotExist();
        assertThat(weightsInCache().resolveSibling("model.safetensors.part")).doesNotExist();
    }

    @Test
    void cachedFileThatNoLongerMatchesItsDownloadShouldBeDownloadedAgain() throws IOException {
        downloader(hub.url()).resolve(ID);
        byte[] good = Files.readAllBytes(source.resolve(HfCheckpoint.WEIGHTS));
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 1; // same size, one bit off
        Files.write(weightsInCache(), bad);
        int requests = hub.requests().size();

        downloader(hub.url()).resolve(ID);

        assertThat(Sha256.ofFile(weightsInCache())).isEqualTo(Sha256.ofBytes(good));
        assertThat(hub.requests())
                .hasSize(requests + 1)
                .last()
                .isEqualTo("GET /test-org/tiny-gpt2/resolve/main/model.safetensors");
    }
}
