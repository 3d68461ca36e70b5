package dev.spamgpt.core.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spamgpt.core.util.Sha256;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default feedback store: an append-only folder on the mail server's own disk.
 *
 * <pre>
 * DIR/reports-000001.jsonl   one report per line, in the order stored
 * DIR/reports-000002.jsonl   the next segment, once the first passed the rotation size
 * DIR/eml/ab/abcd...eml      each report's raw message, named by the SHA-256 of its id
 * </pre>
 *
 * <p>Crash safety comes from the order of writes: a report's {@code .eml} is written to a temporary
 * file, forced to disk and renamed before its line is appended, and the line is written with one
 * call and forced before {@link #append} returns. A crash can therefore leave only a torn last
 * line, which {@link #read} skips with a warning. A writer that opens a folder whose last segment
 * ends in a torn line starts a new segment, so that its lines never glue onto the torn one.
 *
 * <p>Appends are serialised; the folder must have one writer process at a time (one James).
 */
public final class FolderFeedbackStore implements FeedbackStore {

    /** Default size at which a segment is closed and the next one begun. */
    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

    /** The longest line read back; a longer one is skipped (the listener caps text far below). */
    static final int MAX_LINE_BYTES = 4 << 20;

    private static final Logger LOGGER = LoggerFactory.getLogger(FolderFeedbackStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "reports-";
    private static final String SUFFIX = ".jsonl";
    private static final int MAX_WARNINGS = 10;

    private final Path dir;
    private final long segmentBytes;
    private FileChannel segment;
    private int segmentNumber;

    /**
     * Opens a store with the default rotation size; the folder is created by the first append.
     *
     * @param dir the folder
     * @return the store
     * @throws IOException if the path exists and is not a folder
     */
    public static FolderFeedbackStore open(Path dir) throws IOException {
        return new FolderFeedbackStore(dir, DEFAULT_SEGMENT_BYTES);
    }

    /**
     * @param dir the folder, created by the first append if missing
     * @param segmentBytes size at which a segment is rotated, at least 1
     * @throws IOException if the path exists and is not a folder
     */
    public FolderFeedbackStore(Path dir, long segmentBytes) throws IOException {
        if (segmentBytes < 1) {
            throw new IllegalArgumentException("segmentBytes must be at least 1: " + segmentBytes);
        }
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        // Created on the first append, so that a reader never writes into a folder it was given.
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a folder");
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void append(FeedbackReport report) throws IOException {
        Files.createDirectories(dir);
        String emlName = null;
        if (report.raw().length > 0) {
            emlName = writeEml(report);
        }
        byte[] line = line(report, emlName);
        FileChannel channel = segmentFor(line.length);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
    }

    private static byte[] line(FeedbackReport report, String emlName) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = JSON.convertValue(report, Map.class);
        if (emlName != null) {
            fields.put("eml", emlName);
        }
        byte[] json = JSON.writeValueAsBytes(fields);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private String writeEml(FeedbackReport report) throws IOException {
        String hash = Sha256.ofBytes(report.id().getBytes(StandardCharsets.UTF_8));
        String name = "eml/" + hash.substring(0, 2) + "/" + hash + ".eml";
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(hash + ".tmp");
        try (FileChannel out =
                FileChannel.open(
                        temp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(report.raw());
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(
                temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return name;
    }

    private FileChannel segmentFor(int lineBytes) throws IOException {
        if (segment == null) {
            List<Path> segments = segments();
            if (segments.isEmpty()) {
                segmentNumber = 1;
            } else {
                Path last = segments.get(segments.size() - 1);
                segmentNumber = number(last);
                if (endsTorn(last)) {
                    LOGGER.warn(
                            "{} ends in a torn line (a crash during a write); starting a new"
                                    + " segment",
                            last);
                    segmentNumber++;
                }
            }
            segment = openSegment(segmentNumber);
        }
        if (segment.size() > 0 && segment.size() + lineBytes > segmentBytes) {
            segment.close();
            segment = openSegment(++segmentNumber);
        }
        return segment;
    }

    private FileChannel openSegment(int number) throws IOException {
        return FileChannel.open(
                dir.resolve(String.format(Locale.ROOT, "%s%06d%s", PREFIX, number, SUFFIX)),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private static boolean endsTorn(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    private List<Path> segments() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f -> {
                                String n = f.getFileName().toString();
                                return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && number(f) > 0;
                            })
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static int number(Path segment) {
        String n = segment.getFileName().toString();
        try {
            return Integer.parseInt(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public FeedbackRead read(Consumer<FeedbackReport> sink, boolean withRaw) throws IOException {
        Set<String> seen = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        long[] counts = new long[3]; // reports, duplicates, skipped
        for (Path file : segments()) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                int lineNo = 0;
                LineRead line;
                while ((line = nextLine(in)) != null) {
                    lineNo++;
                    String where = file.getFileName() + ":" + lineNo;
                    if (line.tooLong) {
                        skip(
                                counts,
                                warnings,
                                where + ": longer than " + MAX_LINE_BYTES + " bytes");
                    } else if (!line.terminated) {
                        skip(counts, warnings, where + ": torn last line (a crash during a write)");
                    } else if (line.bytes.length > 0) {
                        accept(line.bytes, where, withRaw, seen, counts, warnings, sink);
                    }
                }
            }
        }
        for (String warning : warnings) {
            LOGGER.warn("feedback store {}: skipped {}", dir, warning);
        }
        return new FeedbackRead(counts[0], counts[1], counts[2], warnings);
    }

    private void accept(
            byte[] bytes,
            String where,
            boolean withRaw,
            Set<String> seen,
            long[] counts,
            List<String> warnings,
            Consumer<FeedbackReport> sink) {
        FeedbackReport report;
        String eml;
        try {
            JsonNode node = JSON.readTree(bytes);
            eml = node.hasNonNull("eml") ? node.get("eml").asText() : null;
            if (node.isObject()) {
                ((ObjectNode) node).remove("eml");
            }
            report = JSON.treeToValue(node, FeedbackReport.class);
        } catch (IOException | IllegalArgumentException e) {
            skip(counts, warnings, where + ": not a report (" + firstLine(e.getMessage()) + ")");
            return;
        }
        if (!seen.add(report.id())) {
            counts[1]++;
            return;
        }
        if (withRaw && eml != null) {
            report = withRaw(report, eml, where, warnings);
        }
        counts[0]++;
        sink.accept(report);
    }

    private FeedbackReport withRaw(
            FeedbackReport report, String eml, String where, List<String> warnings) {
        Path file = dir.resolve(eml).normalize();
        if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
            addWarning(warnings, where + ": raw message " + eml + " is missing");
            return report;
        }
        try {
            return report.toBuilder().raw(Files.readAllBytes(file)).build();
        } catch (IOException e) {
            addWarning(warnings, where + ": cannot read " + eml + ": " + e.getMessage());
            return report;
        }
    }

    private static void skip(long[] counts, List<String> warnings, String why) {
        counts[2]++;
        addWarning(warnings, why);
    }

    private static void addWarning(List<String> warnings, String why) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(why);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static final class LineRead {
        final byte[] bytes;
        final boolean terminated;
        final boolean tooLong;

        LineRead(byte[] bytes, boolean terminated, boolean tooLong) {
            this.bytes = bytes;
            this.terminated = terminated;
            this.tooLong = tooLong;
        }
    }

    /** The next line, without its newline; a line past the cap is drained, not kept. */
    private static LineRead nextLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        int b;
        boolean any = false;
        while ((b = in.read()) != -1) {
            any = true;
            if (b == '\n') {
                return new LineRead(line.toByteArray(), true, tooLong);
            }
            if (line.size() < MAX_LINE_BYTES) {
                line.write(b);
            } else {
                tooLong = true;
            }
        }
        return any ? new LineRead(line.toByteArray(), false, tooLong) : null;
    }

    @Override
    public synchronized void close() throws IOException {
        if (segment != null) {
            segment.close();
            segment = null;
        }
    }
}
