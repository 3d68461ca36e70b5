package dev.spamgpt.streams.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.JsonPathException;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

/**
 * The {@code --json-path} option: a JSONPath (Jayway) that names the one field holding the text,
 * such as {@code $.text}, {@code $.body.text} or {@code $.parts[0]['plain text']}. Only paths that
 * name one value are accepted: {@code $}, then names ({@code .name}, {@code ['name']}) and array
 * indexes ({@code [0]}, {@code [-1]}). Wildcards, deep scan, filters, slices, unions and functions
 * are refused when the path is compiled, which keeps every evaluation a short walk down the tree.
 * Compiled once; thread-safe.
 */
public final class JsonTextPath {

    /** The command-line option whose value this is; error messages name it. */
    public static final String OPTION = "--json-path";

    private static final ObjectMapper JSON = new ObjectMapper();
    // The Jackson providers: the document is already a Jackson tree, and no second JSON library is
    // loaded.
    private static final Configuration CONFIGURATION =
            Configuration.builder()
                    .jsonProvider(new JacksonJsonNodeJsonProvider(JSON))
                    .mappingProvider(new JacksonMappingProvider(JSON))
                    .options(Option.SUPPRESS_EXCEPTIONS)
                    .build();
    private static final String NOT_ONE_FIELD =
            "must name one field: wildcards, deep scan (..), filters,"
                    + " slices, unions and functions are not supported";

    private final String expression;
    private final JsonPath path;

    private JsonTextPath(String expression, JsonPath path) {
        this.expression = expression;
        this.path = path;
    }

    /**
     * Compiles a path.
     *
     * @param expression the path, starting with {@code $}; surrounding blanks are ignored
     * @return the compiled path
     * @throws IllegalArgumentException naming {@value #OPTION}, the path and what is wrong with it
     */
    public static JsonTextPath compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException(
                    "missing JSON path for " + OPTION + " (for example $.body.text)");
        }
        String p = expression.trim();
        if (p.charAt(0) != '$') {
            // Jayway would read "body.text" as "$.body.text"; a JSONPath starts with $.
            throw error(p, "must start with $");
        }
        // Checked before compiling: a filter or function argument is a nested path that Jayway
        // evaluates per record, and "a,b" merges several fields, yet both count as definite.
        if (hasUnquoted(p, '(') || hasUnquoted(p, ',')) {
            throw error(p, NOT_ONE_FIELD);
        }
        JsonPath compiled;
        try {
            compiled = JsonPath.compile(p);
        } catch (RuntimeException e) {
            throw error(p, e.getMessage());
        }
        if (!compiled.isDefinite()) {
            throw error(p, NOT_ONE_FIELD);
        }
        return new JsonTextPath(p, compiled);
    }

    /**
     * Follows the path from a document root.
     *
     * @param root the parsed document
     * @return the node at the path (a {@code NullNode} for a JSON null), or a missing node
     */
    public JsonNode find(JsonNode root) {
        Object value;
        try {
            value = path.read(root, CONFIGURATION);
        } catch (JsonPathException e) {
            // A path that does not fit this document's shape, such as a name on an array.
            return MissingNode.getInstance();
        }
        if (value == null) {
            return MissingNode.getInstance();
        }
        return value instanceof JsonNode node ? node : JSON.valueToTree(value);
    }

    @Override
    public String toString() {
        return expression;
    }

    /**
     * Whether {@code c} occurs outside the quoted names; a quote without its closing match quotes
     * nothing.
     */
    private static boolean hasUnquoted(String p, char c) {
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch == c) {
                return true;
            }
            if (ch == '\'' || ch == '"') {
                int close = closingQuote(p, i);
                if (close > 0) {
                    i = close;
                }
            }
        }
        return false;
    }

    private static int closingQuote(String p, int open) {
        char quote = p.charAt(open);
        for (int i = open + 1; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch == '\\') {
                i++;
            } else if (ch == quote) {
                return i;
            }
        }
        return -1;
    }

    private static IllegalArgumentException error(String path, String what) {
        return new IllegalArgumentException("bad " + OPTION + " '" + path + "': " + what);
    }
}
