package dev.spamgpt.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonPathTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldFollowNamesQuotedNamesAndIndexes() throws Exception {
        JsonNode doc = JSON.readTree("{\"body\": {\"text\": \"a\", \"parts\": [{\"plain text\": \"b\"}]},"
                + " \"x.y\": \"c\"}");

        assertThat(JsonPath.parse("$.body.text").find(doc).asText()).isEqualTo("a");
        assertThat(JsonPath.parse("$.body.parts[0]['plain text']").find(doc).asText()).isEqualTo("b");
        assertThat(JsonPath.parse("$[\"x.y\"]").find(doc).asText()).isEqualTo("c");
        assertThat(JsonPath.parse("$.body.parts[3].text").find(doc).isMissingNode()).isTrue();
        assertThat(JsonPath.parse("$").find(doc)).isSameAs(doc);
    }

    @Test
    void shouldRefuseWhatDoesNotNameOneField() {
        assertThatThrownBy(() -> JsonPath.parse("body.text")).hasMessageContaining("must start with $");
        assertThatThrownBy(() -> JsonPath.parse("$.body.*")).hasMessageContaining("expected a field name");
        assertThatThrownBy(() -> JsonPath.parse("$..text")).hasMessageContaining("expected a field name");
        assertThatThrownBy(() -> JsonPath.parse("$.items[?(@.x)]")).hasMessageContaining("array index");
        assertThatThrownBy(() -> JsonPath.parse("$.items[0")).hasMessageContaining("unclosed [");
        assertThatThrownBy(() -> JsonPath.parse(" ")).hasMessageContaining("missing JSON path");
    }
}
