package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code response_format} and obliged {@code tool_choice} on the tiny random-weight model, over raw
 * HTTP (issue #19): whatever the weights, every answer parses, validates against its schema, and ends
 * with finish_reason "stop" (or "tool_calls") — the grammar closes the value, it never runs out.
 */
class StructuredOutputTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    static final String CITY = """
            {"type":"object","properties":{
              "name":{"type":"string","maxLength":40},
              "population":{"type":"integer","minimum":0,"maximum":40000000},
              "founded":{"type":"string","format":"date"},
              "coastal":{"type":"boolean"},
              "districts":{"type":"array","items":{"type":"string","enum":["north","south","east","west"]},"maxItems":4}},
             "required":["name","population","founded","coastal","districts"],"additionalProperties":false}""";

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Describe a city as JSON.\"}]" + fields + "}");
    }

    private static String schemaFormat(String schema) {
        return ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\",\"strict\":true,\"schema\":"
                + schema + "}}";
    }

    /** The validator's complaints about {@code instance} (JSON Schema 2020-12, formats asserted); empty when it validates. */
    static List<Error> validate(String schema, String instance) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(schema, InputFormat.JSON)
                .validate(instance, InputFormat.JSON, context -> context.executionConfig(c -> c.formatAssertionsEnabled(true)));
    }

    @Test
    void aJsonSchemaAnswerValidatesAndStopsAtTemperatureZero() throws Exception {
        JsonNode r = Http.json(chat(schemaFormat(CITY) + ",\"temperature\":0,\"max_tokens\":300"));
        JsonNode choice = r.get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(validate(CITY, choice.get("message").get("content").asText())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void aSampledJsonSchemaAnswerValidatesForEverySeed(int seed) throws Exception {
        JsonNode r = Http.json(chat(schemaFormat(CITY) + ",\"temperature\":1,\"seed\":" + seed + ",\"max_tokens\":300"));
        JsonNode choice = r.get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(validate(CITY, choice.get("message").get("content").asText())).isEmpty();
    }

    @Test
    void aValueTheBudgetWouldCutIsClosedInsteadAndStillValidates() throws Exception {
        // 40 tokens are too few for what a random model writes into the strings: the grammar closes them.
        JsonNode r = Http.json(chat(schemaFormat(CITY) + ",\"temperature\":1,\"seed\":7,\"max_tokens\":60"));
        JsonNode choice = r.get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(validate(CITY, choice.get("message").get("content").asText())).isEmpty();
        assertThat(r.get("usage").get("completion_tokens").asInt()).isLessThanOrEqualTo(60);
    }

    @Test
    void theHostedProviderProfileTakesTheSameResponseFormat() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v3/openai/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"A city?\"}]" + schemaFormat(CITY) + ",\"temperature\":0,\"max_tokens\":300}");
        JsonNode choice = Http.json(r).get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(validate(CITY, choice.get("message").get("content").asText())).isEmpty();
    }

    @Test
    void jsonObjectModeAnswersWithAJsonObject() throws Exception {
        JsonNode r = Http.json(chat(",\"response_format\":{\"type\":\"json_object\"},\"temperature\":0.8,\"seed\":3,\"max_tokens\":200"));
        JsonNode choice = r.get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(Http.json(choice.get("message").get("content").asText()).isObject()).isTrue();
    }

    @Test
    void aStreamedJsonSchemaAnswerIsTheSameJson() throws Exception {
        String fields = schemaFormat(CITY) + ",\"temperature\":0,\"max_tokens\":300";
        String whole = Http.json(chat(fields)).get("choices").get(0).get("message").get("content").asText();
        StringBuilder streamed = new StringBuilder();
        String finish = null;
        for (JsonNode c : Http.chunks(chat(fields + ",\"stream\":true").body())) {
            JsonNode delta = c.get("choices").get(0).get("delta");
            if (delta.hasNonNull("content")) streamed.append(delta.get("content").asText());
            if (c.get("choices").get(0).hasNonNull("finish_reason")) finish = c.get("choices").get(0).get("finish_reason").asText();
        }

        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(finish).isEqualTo("stop");
    }

    @Test
    void aGbnfGrammarConstrainsTheAnswer() throws Exception {
        JsonNode r = Http.json(chat(",\"grammar\":" + Http.quote("root ::= (\"yes\" | \"no\") \", because \" [a-z ]{1,20} \".\"")
                + ",\"temperature\":1,\"seed\":11,\"max_tokens\":40"));
        JsonNode choice = r.get("choices").get(0);

        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").get("content").asText()).matches("(yes|no), because [a-z ]{1,20}\\.");
    }

    @Test
    void aSchemaKeywordTheEngineCannotEnforceIsA400NamingIt() throws Exception {
        HttpResponse<String> r = chat(schemaFormat("{\"type\":\"array\",\"uniqueItems\":true}"));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(r).get("error");
        assertThat(error.get("param").asText()).isEqualTo("response_format.json_schema.schema");
        assertThat(error.get("message").asText()).contains("uniqueItems");
    }

    @Test
    void aMalformedGrammarIsA400NamingTheField() throws Exception {
        HttpResponse<String> r = chat(",\"grammar\":\"root ::= undefined-rule\"");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("grammar");
    }

    @Test
    void aJsonSchemaFormatWithoutANameIsA400() throws Exception {
        HttpResponse<String> r = chat(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("response_format.json_schema.name");
    }
}
