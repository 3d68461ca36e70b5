package dev.spamgpt.streams.topology;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * The small JSONPath subset that names one field: {@code $}, then any mix of {@code .name},
 * {@code ['name']} (for names with dots or spaces) and {@code [index]}. Examples: {@code $.text},
 * {@code $.body.text}, {@code $.parts[0]['plain text']}. Wildcards and filters are refused: the
 * filter reads exactly one string per record.
 */
public final class JsonPath {

    private final String expression;
    private final List<Object> steps;

    private JsonPath(String expression, List<Object> steps) {
        this.expression = expression;
        this.steps = steps;
    }

    /**
     * Parses a path.
     *
     * @param expression the path, starting with {@code $}
     * @return the parsed path
     * @throws IllegalArgumentException naming the position of the first error
     */
    public static JsonPath parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("missing JSON path (for example $.body.text)");
        }
        String p = expression.trim();
        if (p.charAt(0) != '$') {
            throw error(p, 0, "must start with $");
        }
        List<Object> steps = new ArrayList<>();
        int i = 1;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int start = ++i;
                while (i < p.length() && p.charAt(i) != '.' && p.charAt(i) != '[') {
                    i++;
                }
                String name = p.substring(start, i);
                if (name.isEmpty() || name.equals("*")) {
                    throw error(p, start, "expected a field name");
                }
                steps.add(name);
            } else if (c == '[') {
                int close = p.indexOf(']', i);
                if (close < 0) {
                    throw error(p, i, "unclosed [");
                }
                String inside = p.substring(i + 1, close).trim();
                if (inside.length() >= 2 && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
                        && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
                    steps.add(inside.substring(1, inside.length() - 1));
                } else if (inside.matches("\\d{1,9}")) {
                    steps.add(Integer.valueOf(inside));
                } else {
                    throw error(p, i + 1, "expected 'name' or an array index");
                }
                i = close + 1;
            } else {
                throw error(p, i, "expected . or [");
            }
        }
        return new JsonPath(p, List.copyOf(steps));
    }

    /**
     * Follows the path from a document root.
     *
     * @param root the parsed document
     * @return the node at the path, or a missing node
     */
    public JsonNode find(JsonNode root) {
        JsonNode node = root;
        for (Object step : steps) {
            node = step instanceof Integer index ? node.path(index) : node.path((String) step);
            if (node.isMissingNode()) {
                return MissingNode.getInstance();
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return expression;
    }

    private static IllegalArgumentException error(String path, int at, String what) {
        return new IllegalArgumentException("bad JSON path '" + path + "' at character " + at + ": " + what);
    }
}
