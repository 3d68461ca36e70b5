package dev.spamgpt.trainer.pending;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Stand-in for {@code dev.spamgpt.trainer.data.DatasetCsv}: header {@code label,text}, RFC 4180 quoting. */
public final class DatasetCsv {

    private DatasetCsv() {}

    /**
     * @param file the CSV
     * @return the rows
     * @throws IOException on read failure
     */
    public static List<LabelledText> read(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        if (cell.length() > 0 || !row.isEmpty()) {
            row.add(cell.toString());
            rows.add(row);
        }
        List<String> header = rows.get(0);
        int li = header.indexOf("label");
        int ti = header.indexOf("text");
        List<LabelledText> out = new ArrayList<>();
        for (List<String> r : rows.subList(1, rows.size())) {
            out.add(new LabelledText(r.get(ti), Integer.parseInt(r.get(li).trim())));
        }
        return out;
    }

    /**
     * @param file target
     * @param rows rows
     * @throws IOException on failure
     */
    public static void write(Path file, List<LabelledText> rows) throws IOException {
        StringBuilder sb = new StringBuilder("label,text\n");
        for (LabelledText r : rows) {
            sb.append(r.label()).append(",\"").append(r.text().replace("\"", "\"\"")).append("\"\n");
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }
}
