package dev.spamgpt.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedDataTest {

    @TempDir Path dir;

    @Test
    void checkoutRootShouldBeTheTopPomAboveTheWorkingDirectory() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Path module = Files.createDirectories(root.resolve("trainer/src/test"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.writeString(root.resolve("trainer/pom.xml"), "<project/>");

        assertThat(SharedData.checkoutRoot(module)).isEqualTo(root);
        assertThat(SharedData.checkoutRoot(root.resolve("trainer"))).isEqualTo(root);
        assertThat(SharedData.checkoutRoot(root)).isEqualTo(root);
        assertThat(SharedData.checkoutRoot(dir)).isNull();
    }

    @Test
    void propertyShouldNameTheFolderAndAMissingOneShouldSaySo() throws IOException {
        String before = System.getProperty(SharedData.PROPERTY);
        try {
            Path shared = Files.createDirectories(dir.resolve("shared/data"));
            Files.writeString(shared.resolve("x.txt"), "x");
            System.setProperty(SharedData.PROPERTY, dir.resolve("shared").toString());
            assertThat(SharedData.dir()).isEqualTo(dir.resolve("shared"));
            assertThat(SharedData.find("data/x.txt")).contains(shared.resolve("x.txt"));
            assertThat(SharedData.find("data/y.txt")).isEmpty();
            assertThat(SharedData.notFound("data/y.txt"))
                    .contains("data/y.txt", dir.resolve("shared").toString());

            System.setProperty(SharedData.PROPERTY, dir.resolve("nowhere").toString());
            assertThatThrownBy(SharedData::dir)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.resolve("nowhere").toString())
                    .hasMessageContaining(SharedData.PROPERTY);
            assertThat(SharedData.find("data/x.txt")).isEmpty();
            assertThat(SharedData.notFound("data/x.txt")).contains("nowhere");
        } finally {
            if (before == null) {
                System.clearProperty(SharedData.PROPERTY);
            } else {
                System.setProperty(SharedData.PROPERTY, before);
            }
        }
    }
}
