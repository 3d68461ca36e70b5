package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spamgpt.streams.config.FilterConfig;
import dev.spamgpt.streams.config.ValueFormat;
import dev.spamgpt.streams.deadletter.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code --json-path} option: which paths it accepts, and what the filter reads with them. */
class JsonTextPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DOC =
            "{\"body\": {\"text\": \"a\", \"parts\": [{\"plain text\": \"b\"}, \"last\"], \"n\": 1,"
                + " \"nothing\": null, \"nested\": {\"x\": \"y\"}, \"flag\": true}, \"x.y\": \"c\","
                + " \"it's\": \"d\", \"list\": [\"e\", \"f\"]}";

    private static FilterConfig config(ValueFormat format, String path) {
        return new FilterConfig("i", "s", "h", "d", format, path, 1000, 1, Duration.ofMillis(10));
    }

    private static ExtractedText extract(String path, String json) {
        return new TextExtractor(config(ValueFormat.JSON, path))
                .extract(null, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldFollowNamesQuotedNamesAndIndexes() throws Exception {
        JsonNode doc = JSON.readTree(DOC);

        assertThat(JsonTextPath.compile("$.body.text").find(doc).asText()).isEqualTo("a");
        assertThat(JsonTextPath.compile("$.body.parts[0]['plain text']").find(doc).asText())
                .isEqualTo("b");
        assertThat(JsonTextPath.compile("$[\"x.y\"]").find(doc).asText()).isEqualTo("c");
        assertThat(JsonTextPath.compile("$.body.parts[3].text").find(doc).isMissingNode()).isTrue();
        assertThat(JsonTextPath.compile("$").find(doc)).isSameAs(doc);
        assertThat(JsonTextPath.compile("  $.body.text ").find(doc).asText())
                .as("blanks around")
                .isEqualTo("a");
        assertThat(JsonTextPath.compile("$.body.parts[-1]").find(doc).asText())
                .as("from the end")
                .isEqualTo("last");
        assertThat(JsonTextPath.compile("$['it\\'s']").find(doc).asText())
                .as("escaped quote")
                .isEqualTo("d");
        assertThat(JsonTextPath.compile("$[\"it's\"]").find(doc).asText()).isEqualTo("d");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "body.text | must start with $",
                "@.text | must start with $",
                "$.body.* | must name one field",
                "$..text | must name one field",
                "$.items[?(@.x)] | must name one field",
                "$.items[0:2] | must name one field",
                "$['text','subject'] | must name one field",
                "$.text.length() | must name one field",
                "$.a.length().b | must name one field",
                "$.items[0 | position",
                "$.a b | bracket"
            })
    void shouldRefuseWhatDoesNotNameOneFieldNamingTheOptionAndThePath(String path, String what) {
        assertThatThrownBy(() -> JsonTextPath.compile(path))
                .hasMessageStartingWith("bad --json-path '" + path + "': ")
                .hasMessageContaining(what);
    }

    @Test
    void shouldRefuseAMissingPathNamingTheOption() {
        assertThatThrownBy(() -> JsonTextPath.compile(" "))
                .hasMessageContaining("missing JSON path")
                .hasMessageContaining("--json-path");
        assertThatThrownBy(() -> JsonTextPath.compile(null))
                .hasMessageContaining("missing JSON path");
    }

    @Test
    void shouldAcceptParenthesesAndCommasInsideQuotedNames() throws Exception {
        JsonNode doc = JSON.readTree("{\"a(b)\": \"p\", \"c,d\": \"q\"}");

        assertThat(JsonTextPath.compile("$['a(b)']").find(doc).asText()).isEqualTo("p");
        assertThat(JsonTextPath.compile("$[\"c,d\"]").find(doc).asText()).isEqualTo("q");
    }

    @Test
    void shouldFailAtStartupWhenTheFilterConfigHasABadPath() {
        assertThatThrownBy(() -> config(ValueFormat.JSON, "$.body.*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--json-path '$.body.*'");
        // The path is only read for the json format.
        config(ValueFormat.TEXT, "$.body.*");
    }

    @Test
    void shouldReadOnlyAStringAndDeadLetterEverythingElseAsAMissingField() {
        assertThat(extract("$.body.text", DOC).text()).isEqualTo("a");
        assertThat(extract("$.list[1]", DOC).text()).isEqualTo("f");
        assertThat(extract("$", "\"a whole string document\"").text())
                .isEqualTo("a whole string document");

        assertMissing(extract("$.body.missing", DOC), "no field at $.body.missing");
        assertMissing(extract("$.body.nothing", DOC), "no field at $.body.nothing");
        assertMissing(extract("$.list[5]", DOC), "no field at $.list[5]");
        assertMissing(extract("$.body[0]", DOC), "no field at $.body[0]");
        assertMissing(extract("$.list.text", DOC), "no field at $.list.text");
        assertMissing(extract("$.body.text.deeper", DOC), "no field at $.body.text.deeper");
        assertMissing(extract("$.text", "[{\"text\": \"in an array\"}]"), "no field at $.text");
        assertMissing(extract("$.body.n", DOC), "field at $.body.n is number, not a string");
        assertMissing(extract("$.body.flag", DOC), "field at $.body.flag is boolean, not a string");
        assertMissing(
                extract("$.body.nested", DOC), "field at $.body.nested is object, not a string");
        assertMissing(extract("$.list", DOC), "field at $.list is array, not a string");
        assertMissing(extract("$", DOC), "field at $ is object, not a string");
    }

    @Test
    void shouldNotNeedJsonSmart() {
        // Jayway's default JSON library is excluded: the Jackson providers must be all it uses.
        assertThatThrownBy(() -> Class.forName("net.minidev.json.JSONValue"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(extract("$.body.parts[0]['plain text']", DOC).text()).isEqualTo("b");
    }

    private static void assertMissing(ExtractedText extracted, String error) {
        assertThat(extracted.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD);
        assertThat(extracted.error()).isEqualTo(error);
    }
}
