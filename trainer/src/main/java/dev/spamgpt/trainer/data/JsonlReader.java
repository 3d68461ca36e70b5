package dev.spamgpt.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads JSON Lines: one object a line with a string {@code text} and a {@code label} that is {@code
 * "ham"}, {@code "spam"}, {@code 0} or {@code 1}. Other fields are ignored.
 */
public final class JsonlReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlReader() {}

    /**
     * Reads a JSONL file; blank lines are ignored, any other unusable line is malformed.
     *
     * @param file the file
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read
     */
    public static ReadResult read(Path file) throws IOException {
        return read(file, ReadResult.DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * Reads a JSONL file; a line longer than {@code maxLineChars} is malformed.
     *
     * @param file the file
     * @param maxLineChars the longest line kept
     * @return the examples and the malformed count
     * @throws IOException if the file cannot be read
     */
    public static ReadResult read(Path file, int maxLineChars) throws IOException {
        return read(file, maxLineChars, new ReadResult());
    }

    static ReadResult read(Path file, int maxLineChars, ReadResult into) throws IOException {
        return ReadResult.ofLines(
                file, String::isBlank, JsonlReader::parseLine, maxLineChars, into);
    }

    private static void parseLine(String where, String line, ReadResult result) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            result.malformed(
                    where, "not JSON (" + ReadResult.abbreviate(e.getOriginalMessage(), 160) + ")");
            return;
        }
        if (node == null || !node.isObject()) {
            result.malformed(where, "not a JSON object");
            return;
        }
        JsonNode text = node.get("text");
        JsonNode label = node.get("label");
        int parsed =
                label == null
                        ? -1
                        : label.isTextual()
                                ? LabelledText.parseLabel(label.textValue())
                                : label.isIntegralNumber()
                                        ? LabelledText.parseLabel(label.asText())
                                        : -1;
        if (text == null || !text.isTextual()) {
            result.malformed(where, "no string field \"text\"");
        } else if (parsed < 0) {
            result.malformed(
                    where,
                    "\"label\" is "
                            + ReadResult.abbreviate(String.valueOf(label))
                            + ", expected \"ham\", \"spam\", 0 or 1");
        } else if (text.textValue().isBlank()) {
            result.malformed(where, "empty text");
        } else {
            result.add(where, text.textValue(), parsed);
        }
    }
}
