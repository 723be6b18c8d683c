package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools on {@code tool_choice: "auto"} together with a {@code response_format}, as LangChain4j's
 * AiServices send them for {@code @Tool} methods and a POJO result: the answer is a call (returned as
 * {@code tool_calls}) or JSON of the format (returned as content), never anything else, streamed or not.
 */
class ToolsWithFormatTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    static final String CITY = """
            {"type":"object","properties":{"city":{"type":"string","maxLength":20},"population":{"type":"integer","minimum":0}},
             "required":["city","population"],"additionalProperties":false}""";
    static final String WEATHER = """
            {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Lisbon"]}},
             "required":["city"],"additionalProperties":false}""";
    /** A format whose answers start with '[' where calls start with '{': the random model takes either path. */
    static final String CITIES = """
            {"type":"array","items":{"type":"string","enum":["Paris","Lisbon"]},"minItems":1,"maxItems":3}""";
    static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"strict\":true,"
            + "\"parameters\":" + WEATHER + "}}],\"tool_choice\":\"auto\"";

    private static String format(String schema) {
        return ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\",\"strict\":true,\"schema\":"
                + schema + "}}";
    }

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Describe Paris.\"}]" + TOOLS + fields + "}");
    }

    /** "call" or "answer", after checking the choice is one or the other, whole and valid. */
    private static String kind(JsonNode choice, String schema) {
        JsonNode message = choice.get("message");
        if (choice.get("finish_reason").asText().equals("tool_calls")) {
            assertThat(message.get("content").isNull()).isTrue();
            JsonNode call = message.get("tool_calls").get(0);
            assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
            assertThat(StructuredOutputTest.validate(WEATHER, call.get("function").get("arguments").asText())).isEmpty();
            return "call";
        }
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(message.hasNonNull("tool_calls")).isFalse();
        assertThat(StructuredOutputTest.validate(schema, message.get("content").asText())).isEmpty();
        return "answer";
    }

    @Test
    void everySampledAnswerIsACallOrAnObjectOfTheFormat() throws Exception {
        for (int seed = 1; seed <= 8; seed++) {
            JsonNode r = Http.json(chat(format(CITY) + ",\"temperature\":1,\"seed\":" + seed + ",\"max_tokens\":200"));
            kind(r.get("choices").get(0), CITY);
        }
    }

    /** logit_bias that makes the first token '{' (a call) or '[' (an answer of {@link #CITIES}) at temperature 0. */
    private static String firstToken(String text) throws Exception {
        JsonNode t = Http.json(Http.post(server.uri("/tokenize"), "{\"content\":" + Http.quote(text) + "}"));
        assertThat(t.get("tokens")).hasSize(1);
        return ",\"temperature\":0,\"max_tokens\":200,\"logit_bias\":{\"" + t.get("tokens").get(0).asInt() + "\":100}";
    }

    @Test
    void aCallAndAnAnswerOfTheFormatAreBothPossible() throws Exception {
        assertThat(kind(Http.json(chat(format(CITIES) + firstToken("{"))).get("choices").get(0), CITIES)).isEqualTo("call");
        assertThat(kind(Http.json(chat(format(CITIES) + firstToken("["))).get("choices").get(0), CITIES)).isEqualTo("answer");
    }

    @Test
    void everySampledAnswerIsACallOrAnArrayOfTheFormat() throws Exception {
        for (int seed = 1; seed <= 6; seed++) {
            kind(Http.json(chat(format(CITIES) + ",\"temperature\":1,\"seed\":" + seed + ",\"max_tokens\":200"))
                    .get("choices").get(0), CITIES);
        }
    }

    @Test
    void aStreamedCallOrAnswerIsTheSameAsTheWholeOne() throws Exception {
        for (String fields : List.of(firstToken("{"), firstToken("["))) {
            fields = format(CITIES) + fields;
            JsonNode whole = Http.json(chat(fields)).get("choices").get(0);
            String kind = kind(whole, CITIES);
            StringBuilder content = new StringBuilder();
            StringBuilder arguments = new StringBuilder();
            String name = null;
            String finish = null;
            for (JsonNode c : Http.chunks(chat(fields + ",\"stream\":true").body())) {
                JsonNode choice = c.get("choices").get(0);
                JsonNode delta = choice.get("delta");
                if (delta.hasNonNull("content")) content.append(delta.get("content").asText());
                if (delta.hasNonNull("tool_calls")) {
                    JsonNode f = delta.get("tool_calls").get(0).get("function");
                    if (f.hasNonNull("name")) name = f.get("name").asText();
                    if (f.hasNonNull("arguments")) arguments.append(f.get("arguments").asText());
                }
                if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
            }
            if (kind.equals("call")) {
                JsonNode call = whole.get("message").get("tool_calls").get(0).get("function");
                assertThat(finish).isEqualTo("tool_calls");
                assertThat(name).isEqualTo("get_weather");
                assertThat(arguments.toString()).isEqualTo(call.get("arguments").asText());
                assertThat(content.toString()).isEmpty();
            } else {
                assertThat(finish).isEqualTo("stop");
                assertThat(content.toString()).isEqualTo(whole.get("message").get("content").asText());
                assertThat(name).isNull();
            }
        }
    }

    @Test
    void withToolsOnAutoAMalformedGrammarIsStillA400NamingIt() throws Exception {
        HttpResponse<String> r = chat(",\"grammar\":\"root ::= undefined-rule\"");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("grammar");
    }

    @Test
    void aStrictToolSchemaTheEngineCannotEnforceBesideAFormatIsA400NamingTheTool() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi.\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"f\",\"strict\":true,\"parameters\":{\"type\":\"object\",\"properties\":{\"xs\":"
                + "{\"type\":\"array\",\"uniqueItems\":true}}}}}]" + format(CITY) + "}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("tools[0].function.parameters");
    }
}
