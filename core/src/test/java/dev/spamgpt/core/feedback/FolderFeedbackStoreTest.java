package dev.spamgpt.core.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderFeedbackStoreTest {

    @TempDir Path dir;

    private static List<FeedbackReport> readAll(FeedbackStore store, boolean withRaw)
            throws IOException {
        List<FeedbackReport> out = new ArrayList<>();
        store.read(out::add, withRaw);
        return out;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void reportsComeBackInOrderWithTheirRawMessageOnlyWhenAsked() throws IOException {
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            for (int n = 0; n < 5; n++) {
                store.append(Reports.report(n, n != 3));
            }
            List<FeedbackReport> plain = readAll(store, false);
            List<FeedbackReport> full = readAll(store, true);
            assertThat(plain)
                    .extracting(FeedbackReport::id)
                    .containsExactly("event-0", "event-1", "event-2", "event-3", "event-4");
            assertThat(plain).allSatisfy(r -> assertThat(r.raw()).isEmpty());
            assertThat(new String(full.get(2).raw(), StandardCharsets.UTF_8))
                    .isEqualTo("Subject: message 2\r\n\r\nraw 2");
            assertThat(full.get(3).raw()).isEmpty();
            FeedbackReport original = Reports.report(4, true);
            FeedbackReport back = full.get(4);
            assertThat(back.digest()).isEqualTo(FeedbackReport.digestOf(original.text()));
            assertThat(back.label()).isEqualTo(original.label());
            assertThat(back.user()).isEqualTo(original.user());
            assertThat(back.deliveryVerdict()).isEqualTo("spam");
            assertThat(back.deliveryScore()).isEqualTo(0.25);
            assertThat(back.deliveryModel()).isEqualTo("spamgpt/1");
            assertThat(back.fromMailbox()).isEqualTo("INBOX");
            assertThat(back.toMailbox()).isEqualTo("Spam");
        }
    }

    @Test
    void theSameIdStoredTwiceIsReadOnce() throws IOException {
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            store.append(Reports.report(1, true));
            store.append(Reports.report(1, true));
            store.append(Reports.report(2, false));
            List<FeedbackReport> out = new ArrayList<>();
            FeedbackRead read = store.read(out::add, false);
            assertThat(out).extracting(FeedbackReport::id).containsExactly("event-1", "event-2");
            assertThat(read.duplicates()).isEqualTo(1);
            assertThat(read.reports()).isEqualTo(2);
        }
    }

    @Test
    void segmentsRotateBySizeAndAreReadInOrder() throws IOException {
        try (FolderFeedbackStore store = new FolderFeedbackStore(dir, 1000)) {
            for (int n = 0; n < 20; n++) {
                store.append(Reports.report(n, false));
            }
        }
        assertThat(segments()).hasSizeGreaterThan(3);
        for (Path segment : segments()) {
            assertThat(Files.size(segment)).isLessThanOrEqualTo(1000);
        }
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            assertThat(readAll(store, false))
                    .extracting(FeedbackReport::id)
                    .containsExactlyElementsOf(
                            Stream.iterate(0, n -> n + 1)
                                    .limit(20)
                                    .map(n -> "event-" + n)
                                    .collect(Collectors.toList()));
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (FolderFeedbackStore store = new FolderFeedbackStore(dir, 8192)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 100;
                done.add(
                        pool.submit(
                                () -> {
                                    for (int n = base; n < base + 50; n++) {
                                        store.append(Reports.report(n, true));
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            List<FeedbackReport> out = readAll(store, true);
            assertThat(out).hasSize(200);
            assertThat(out).allSatisfy(r -> assertThat(r.raw()).isNotEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSegmentCutAtAnyByteOfItsLastLineLosesOnlyThatLine() throws IOException {
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            for (int n = 0; n < 3; n++) {
                store.append(Reports.report(n, false));
            }
        }
        Path segment = segments().get(0);
        byte[] whole = Files.readAllBytes(segment);
        int lastLineStart = lastLineStart(whole);
        for (int cut = lastLineStart + 1; cut < whole.length; cut += 7) {
            Path copy = Files.createTempDirectory(dir, "cut");
            Files.write(copy.resolve(segment.getFileName()), java.util.Arrays.copyOf(whole, cut));
            try (FolderFeedbackStore store = FolderFeedbackStore.open(copy)) {
                List<FeedbackReport> out = new ArrayList<>();
                FeedbackRead read = store.read(out::add, false);
                assertThat(out)
                        .extracting(FeedbackReport::id)
                        .containsExactly("event-0", "event-1");
                assertThat(read.skipped()).isEqualTo(1);
                assertThat(read.warnings()).singleElement().asString().contains("torn");
            }
        }
    }

    @Test
    void aWriterOpenedAfterATornTailStartsANewSegmentInsteadOfGluingOntoIt() throws IOException {
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            store.append(Reports.report(0, false));
            store.append(Reports.report(1, false));
        }
        Path segment = segments().get(0);
        byte[] whole = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(whole, whole.length - 10));
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            store.append(Reports.report(2, false));
            List<FeedbackReport> out = new ArrayList<>();
            FeedbackRead read = store.read(out::add, false);
            assertThat(out).extracting(FeedbackReport::id).containsExactly("event-0", "event-2");
            assertThat(read.skipped()).isEqualTo(1);
        }
        assertThat(segments()).hasSize(2);
    }

    @Test
    void garbageAndOverlongLinesAreSkippedAndCounted() throws IOException {
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            store.append(Reports.report(0, false));
        }
        Path segment = segments().get(0);
        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < FolderFeedbackStore.MAX_LINE_BYTES / 8 + 10; i++) {
            huge.append("xxxxxxxx");
        }
        Files.write(
                segment,
                ("not json\n{\"id\":\"x\"}\n" + huge + "\n").getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            store.append(Reports.report(1, false));
            List<FeedbackReport> out = new ArrayList<>();
            FeedbackRead read = store.read(out::add, false);
            assertThat(out).extracting(FeedbackReport::id).containsExactly("event-0", "event-1");
            assertThat(read.skipped()).isEqualTo(3);
            assertThat(String.join("\n", read.warnings())).contains("not a report", "longer than");
        }
    }

    @Test
    void aReportWithoutItsRequiredFieldsCannotBeBuilt() {
        assertThatThrownBy(() -> FeedbackReport.builder().id("x").text("t").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label");
    }

    /**
     * Kills a writer process in the middle of its appends: every report it acknowledged (printed
     * after append returned) is read back, at most the one being written is lost, and a new writer
     * goes on in the same folder.
     */
    @Test
    void aWriterKilledMidAppendLosesNoAcknowledgedReport() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process writer =
                new ProcessBuilder(
                                java.toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                FeedbackWriterProcess.class.getName(),
                                dir.toString(),
                                "0")
                        .redirectErrorStream(false)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                acknowledged.add(line);
                if (acknowledged.size() == 300) {
                    writer.destroyForcibly();
                }
            }
        } catch (IOException closedByTheKill) {
            // destroyForcibly closes the pipe: what was read before is what was acknowledged.
        } finally {
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(300);
        List<String> ids = new ArrayList<>();
        FeedbackRead read;
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            read = store.read(r -> ids.add(r.id()), true);
            assertThat(ids).containsAll(acknowledged);
            // At most the one append in flight when the kill came is beyond the acknowledged ones.
            assertThat(ids.size()).isBetween(acknowledged.size(), acknowledged.size() + 1);
            assertThat(read.skipped()).isLessThanOrEqualTo(1);
            store.append(Reports.report(100_000, true));
        }
        try (FolderFeedbackStore store = FolderFeedbackStore.open(dir)) {
            List<String> again = new ArrayList<>();
            store.read(r -> again.add(r.id()), false);
            assertThat(again).containsAll(acknowledged).contains("event-100000");
        }
    }

    private static int lastLineStart(byte[] bytes) {
        for (int i = bytes.length - 2; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }
}
