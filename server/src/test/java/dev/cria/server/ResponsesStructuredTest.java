package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/responses} under the grammar on the tiny random-weight model: {@code text.format}
 * json_object and json_schema (flat, as the Responses API defines it) answer JSON that validates,
 * status completed; {@code tool_choice} required or a named function answers function_call items
 * whose arguments validate, streamed as the call is generated.
 */
class ResponsesStructuredTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static final String TOOLS = "\"tools\": [{\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": "
            + ObligedToolCallsTest.WEATHER + "}, {\"type\": \"function\", \"name\": \"get_time\", \"parameters\": "
            + ObligedToolCallsTest.TIME + "}]";

    private static HttpResponse<String> create(String fields) throws Exception {
        return Http.post(server.uri("/v1/responses"), "{\"model\": " + Http.quote(server.modelId())
                + ", \"input\": \"Describe a city as JSON.\", \"max_output_tokens\": 300, " + fields + "}");
    }

    private static String schemaFormat(String schema) {
        return "\"text\": {\"format\": {\"type\": \"json_schema\", \"name\": \"city\", \"strict\": true, \"schema\": " + schema + "}}";
    }

    private static String outputText(JsonNode response) {
        JsonNode item = response.get("output").get(0);
        assertThat(item.get("type").asText()).isEqualTo("message");
        return item.get("content").get(0).get("text").asText();
    }

    private static String schemaOf(String name) {
        return name.equals("get_weather") ? ObligedToolCallsTest.WEATHER : ObligedToolCallsTest.TIME;
    }

    /** A stream's events, in order. */
    private static List<JsonNode> events(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(r.body())) out.add(Http.json(frame.split("\n")[1].substring("data: ".length())));
        return out;
    }

    @Test
    void aJsonSchemaTextFormatAnswersJsonThatValidates() throws Exception {
        for (int seed = 1; seed <= 3; seed++) {
            JsonNode r = Http.json(create(schemaFormat(StructuredOutputTest.CITY) + ", \"temperature\": 1, \"seed\": " + seed));

            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(StructuredOutputTest.validate(StructuredOutputTest.CITY, outputText(r))).isEmpty();
        }
    }

    @Test
    void theResponseEchoesTheTextFormat() throws Exception {
        JsonNode r = Http.json(create(schemaFormat(StructuredOutputTest.CITY) + ", \"temperature\": 0"));
        JsonNode format = r.get("text").get("format");

        assertThat(format.get("type").asText()).isEqualTo("json_schema");
        assertThat(format.get("name").asText()).isEqualTo("city");
        assertThat(format.get("schema")).isEqualTo(Http.json(StructuredOutputTest.CITY));
        assertThat(format.get("strict").asBoolean()).isTrue();
    }

    @Test
    void aJsonObjectTextFormatAnswersAJsonObject() throws Exception {
        JsonNode r = Http.json(create("\"text\": {\"format\": {\"type\": \"json_object\"}}, \"temperature\": 0.8, \"seed\": 3"));

        assertThat(r.get("status").asText()).isEqualTo("completed");
        assertThat(Http.json(outputText(r)).isObject()).isTrue();
    }

    @Test
    void aStreamedJsonSchemaAnswerIsTheSameJson() throws Exception {
        String fields = schemaFormat(StructuredOutputTest.CITY) + ", \"temperature\": 0";
        String whole = outputText(Http.json(create(fields)));
        StringBuilder streamed = new StringBuilder();
        List<JsonNode> events = events(create(fields + ", \"stream\": true"));
        for (JsonNode e : events) {
            if (e.get("type").asText().equals("response.output_text.delta")) streamed.append(e.get("delta").asText());
        }

        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(events.getLast().get("type").asText()).isEqualTo("response.completed");
    }

    @Test
    void aSchemaKeywordTheEngineCannotEnforceIsA400NamingTextFormatSchema() throws Exception {
        HttpResponse<String> r = create(schemaFormat("{\"type\": \"array\", \"uniqueItems\": true}"));

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(r).get("error");
        assertThat(error.get("param").asText()).isEqualTo("text.format.schema");
        assertThat(error.get("message").asText()).contains("uniqueItems");
    }

    @Test
    void aJsonSchemaTextFormatWithoutANameIsA400() throws Exception {
        HttpResponse<String> r = create("\"text\": {\"format\": {\"type\": \"json_schema\", \"schema\": {}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("text.format.name");
    }

    @Test
    void requiredAlwaysAnswersWithFunctionCallsWhoseArgumentsValidate() throws Exception {
        for (int seed = 1; seed <= 4; seed++) {
            JsonNode r = Http.json(create(TOOLS + ", \"tool_choice\": \"required\", \"temperature\": 1, \"seed\": " + seed));

            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(r.get("output")).isNotEmpty();
            for (JsonNode item : r.get("output")) {
                assertThat(item.get("type").asText()).isEqualTo("function_call");
                assertThat(item.get("call_id").asText()).startsWith("call_");
                assertThat(StructuredOutputTest.validate(schemaOf(item.get("name").asText()), item.get("arguments").asText())).isEmpty();
            }
        }
    }

    @Test
    void aNamedFunctionIsTheOneCalledAndParallelToolCallsFalseMakesOneCall() throws Exception {
        JsonNode r = Http.json(create(TOOLS + ", \"tool_choice\": {\"type\": \"function\", \"name\": \"get_time\"}, "
                + "\"parallel_tool_calls\": false, \"temperature\": 0"));

        assertThat(r.get("output")).hasSize(1);
        JsonNode call = r.get("output").get(0);
        assertThat(call.get("name").asText()).isEqualTo("get_time");
        assertThat(StructuredOutputTest.validate(ObligedToolCallsTest.TIME, call.get("arguments").asText())).isEmpty();
        assertThat(r.get("tool_choice").toString()).isEqualTo("{\"type\":\"function\",\"name\":\"get_time\"}"); // in this order
    }

    @Test
    void aStreamedCallIsItsItemThenArgumentDeltasThenDone() throws Exception {
        String fields = TOOLS + ", \"tool_choice\": \"required\", \"parallel_tool_calls\": false, \"temperature\": 0";
        JsonNode whole = Http.json(create(fields)).get("output").get(0);
        List<JsonNode> events = events(create(fields + ", \"stream\": true"));
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();

        int deltas = types.size() - 6;
        assertThat(deltas).isGreaterThan(1);
        List<String> expected = new ArrayList<>(List.of("response.created", "response.in_progress", "response.output_item.added"));
        for (int i = 0; i < deltas; i++) expected.add("response.function_call_arguments.delta");
        expected.addAll(List.of("response.function_call_arguments.done", "response.output_item.done", "response.completed"));
        assertThat(types).isEqualTo(expected);

        JsonNode added = events.get(2).get("item");
        assertThat(added.get("type").asText()).isEqualTo("function_call");
        assertThat(added.get("name").asText()).isEqualTo(whole.get("name").asText());
        assertThat(added.get("call_id").asText()).startsWith("call_");
        StringBuilder args = new StringBuilder();
        for (JsonNode e : events.subList(3, 3 + deltas)) {
            assertThat(e.get("item_id").asText()).isEqualTo(added.get("id").asText());
            args.append(e.get("delta").asText());
        }
        JsonNode done = events.get(3 + deltas);
        assertThat(done.get("arguments").asText()).isEqualTo(args.toString());
        assertThat(Http.json(args.toString())).isEqualTo(Http.json(whole.get("arguments").asText()));
        JsonNode completed = events.getLast().get("response");
        assertThat(completed.get("output").get(0).get("id").asText()).isEqualTo(added.get("id").asText());
        assertThat(completed.get("output").get(0).get("arguments").asText()).isEqualTo(args.toString());
    }

    @Test
    void anObligedCallOfANamedFunctionThatIsNotOfferedIsA400() throws Exception {
        HttpResponse<String> r = create(TOOLS + ", \"tool_choice\": {\"type\": \"function\", \"name\": \"get_stock\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("tool_choice.name");
    }

    @Test
    void aToolParameterSchemaTheEngineCannotEnforceIsA400NamingIt() throws Exception {
        HttpResponse<String> r = create("\"tools\": [{\"type\": \"function\", \"name\": \"f\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {\"xs\": {\"type\": \"array\", \"uniqueItems\": true}}}}], "
                + "\"tool_choice\": \"required\"");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("tools[0].parameters");
    }

    @Test
    void requiredWithoutToolsIsA400() throws Exception {
        HttpResponse<String> r = create("\"tool_choice\": \"required\"");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("tool_choice");
    }

    /** The answer's items: each a function_call whose arguments validate, or a message; "call" or "text". */
    private static String kind(JsonNode response) {
        JsonNode first = response.get("output").get(0);
        if (first.get("type").asText().equals("message")) {
            assertThat(response.get("output")).hasSize(1);
            return "text";
        }
        assertThat(response.get("status").asText()).isEqualTo("completed");
        for (JsonNode item : response.get("output")) {
            assertThat(item.get("type").asText()).isEqualTo("function_call");
            assertThat(StructuredOutputTest.validate(schemaOf(item.get("name").asText()), item.get("arguments").asText())).isEmpty();
        }
        return "call";
    }

    @Test
    void functionsAreStrictByDefaultSoUnderAutoAnAnswerIsProseOrValidCalls() throws Exception {
        for (int seed = 1; seed <= 6; seed++) {
            JsonNode r = Http.json(create(TOOLS + ", \"temperature\": 1, \"seed\": " + seed));
            if (kind(r).equals("text")) {
                // "calls or prose": text may not start as a call would ('{', '['), nor with blanks
                assertThat(outputText(r)).doesNotStartWith("{").doesNotStartWith("[").doesNotStartWith(" ");
            }
            for (JsonNode tool : r.get("tools")) assertThat(tool.get("strict").asBoolean()).isTrue();
        }
    }

    @Test
    void underAutoWithAJsonTextFormatTheAnswerIsACallOrJsonOfTheFormat() throws Exception {
        for (int seed = 1; seed <= 6; seed++) {
            JsonNode r = Http.json(create(TOOLS + ", " + schemaFormat(StructuredOutputTest.CITY)
                    + ", \"temperature\": 1, \"seed\": " + seed));
            if (kind(r).equals("text")) {
                assertThat(r.get("status").asText()).isEqualTo("completed");
                assertThat(StructuredOutputTest.validate(StructuredOutputTest.CITY, outputText(r))).isEmpty();
            }
        }
    }

    @Test
    void aStrictFunctionsSchemaTheEngineCannotEnforceIsA400UnderAutoTooButNotWithStrictFalse() throws Exception {
        String tool = "\"tools\": [{\"type\": \"function\", \"name\": \"f\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {\"xs\": {\"type\": \"array\", \"uniqueItems\": true}}}";
        HttpResponse<String> strict = create(tool + "}]");
        HttpResponse<String> loose = create(tool + ", \"strict\": false}]");

        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(Http.json(strict).get("error").get("param").asText()).isEqualTo("tools[0].parameters");
        assertThat(loose.statusCode()).isEqualTo(200);
        assertThat(Http.json(loose).get("tools").get(0).get("strict").asBoolean()).isFalse();
    }
}
