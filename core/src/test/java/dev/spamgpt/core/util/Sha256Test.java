package dev.spamgpt.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

    @Test
    void ofBytesShouldMatchKnownVectors() {
        // FIPS 180-2 test vectors.
        assertThat(Sha256.ofBytes(new byte[0]))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Sha256.ofBytes("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void ofFileShouldEqualOfBytesForFilesLargerThanTheBuffer(@TempDir Path dir) throws IOException {
        byte[] data = new byte[300_001];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("blob.bin");
        Files.write(file, data);

        assertThat(Sha256.ofFile(file))
                .isEqualTo(Sha256.ofBytes(data))
                .hasSize(64)
                .matches("[0-9a-f]{64}");
    }

    @Test
    void ofFileShouldFailOnMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> Sha256.ofFile(dir.resolve("missing")))
                .isInstanceOf(NoSuchFileException.class);
    }
}
