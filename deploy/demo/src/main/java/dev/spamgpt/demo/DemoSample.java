package dev.spamgpt.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The demo's messages: a seeded random sample of a dataset CSV that {@code prepare} wrote ({@code
 * label,text}, RFC 4180 quoting, label {@code 0}/{@code 1} or {@code ham}/{@code spam}), kept as
 * JSON lines {@code {"id":"m001","label":"spam","text":"..."}} so that the Kafka client and the
 * mail client send exactly the same texts.
 */
public final class DemoSample {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message of the sample. */
    public record Message(String id, String label, String text) {}

    private DemoSample() {}

    /**
     * Reads a dataset CSV and picks {@code count} messages at random (all of them if fewer).
     *
     * @param csv the dataset file
     * @param count how many to keep
     * @param seed the shuffle seed
     * @return the sample, ids {@code m001, m002, ...}
     * @throws IOException when the file cannot be read or is not a dataset CSV
     */
    public static List<Message> pick(Path csv, int count, long seed) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            List<String> header = readRecord(in);
            if (header == null
                    || header.size() != 2
                    || !header.get(0).replace("\uFEFF", "").equals("label")
                    || !header.get(1).equals("text")) {
                throw new IOException(csv + ": expected the header label,text, got " + header);
            }
            List<String> record;
            while ((record = readRecord(in)) != null) {
                if (record.size() != 2) {
                    throw new IOException(
                            csv
                                    + ": record "
                                    + (rows.size() + 2)
                                    + " has "
                                    + record.size()
                                    + " fields");
                }
                rows.add(new String[] {label(record.get(0), csv), record.get(1)});
            }
        }
        Collections.shuffle(rows, new Random(seed));
        List<Message> sample = new ArrayList<>();
        int width = Math.max(3, Integer.toString(Math.min(count, rows.size())).length());
        for (int i = 0; i < Math.min(count, rows.size()); i++) {
            String id = String.format(Locale.ROOT, "m%0" + width + "d", i + 1);
            sample.add(new Message(id, rows.get(i)[0], rows.get(i)[1]));
        }
        return sample;
    }

    /**
     * Writes the sample as JSON lines.
     *
     * @param sample the messages
     * @param file where to write
     * @throws IOException when the file cannot be written
     */
    public static void write(List<Message> sample, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Message m : sample) {
                out.write(JSON.writeValueAsString(m));
                out.write('\n');
            }
        }
    }

    /**
     * Reads a sample written by {@link #write}.
     *
     * @param file the JSON lines file
     * @return the messages
     * @throws IOException when the file cannot be read
     */
    public static List<Message> read(Path file) throws IOException {
        List<Message> sample = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                sample.add(JSON.readValue(line, Message.class));
            }
        }
        return sample;
    }

    /** A text shortened to one line of at most {@code max} characters, for the table. */
    static String snippet(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        if (flat.codePointCount(0, flat.length()) <= max) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, max - 3)) + "...";
    }

    private static String label(String raw, Path csv) throws IOException {
        switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "0", "ham" -> {
                return "ham";
            }
            case "1", "spam" -> {
                return "spam";
            }
            default -> throw new IOException(csv + ": unknown label '" + raw + "'");
        }
    }

    /**
     * One RFC 4180 record (quoted fields may hold commas, quotes and line breaks), or null at the
     * end.
     */
    static List<String> readRecord(Reader in) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int c;
        while ((c = in.read()) != -1) {
            any = true;
            if (quoted) {
                if (c == '"') {
                    in.mark(1);
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (next != -1) {
                            in.reset();
                        }
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                break;
            } else if (c != '\r') {
                field.append((char) c);
            }
        }
        if (!any) {
            return null;
        }
        fields.add(field.toString());
        return fields;
    }
}
