package dev.spamgpt.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads JSON Lines: one object a line with a string {@code text} and a {@code label} that is
 * {@code "ham"}, {@code "spam"}, {@code 0} or {@code 1}. Other fields are ignored.
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
        ReadResult result = new ReadResult();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Files.newInputStream(file), StandardCharsets.UTF_8))) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file.getFileName() + ":" + number;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    result.malformed(where, "not JSON (" + e.getOriginalMessage() + ")");
                    continue;
                }
                if (node == null || !node.isObject()) {
                    result.malformed(where, "not a JSON object");
                    continue;
                }
                JsonNode text = node.get("text");
                JsonNode label = node.get("label");
                int parsed = label == null ? -1
                        : label.isTextual() ? LabelledText.parseLabel(label.textValue())
                        : label.isIntegralNumber() ? LabelledText.parseLabel(label.asText())
                        : -1;
                if (text == null || !text.isTextual()) {
                    result.malformed(where, "no string field \"text\"");
                } else if (parsed < 0) {
                    result.malformed(where, "\"label\" is " + label + ", expected \"ham\","
                            + " \"spam\", 0 or 1");
                } else if (text.textValue().isBlank()) {
                    result.malformed(where, "empty text");
                } else {
                    result.add(new LabelledText(text.textValue(), parsed));
                }
            }
        }
        return result;
    }
}
