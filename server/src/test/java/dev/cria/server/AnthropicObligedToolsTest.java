package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/messages} with {@code tool_choice} any and tool, enforced by the grammar on the tiny
 * random-weight model: the content is tool_use blocks whose input validates against the tool's
 * input_schema, {@code stop_reason: "tool_use"}; streamed, each block starts with its id and name and
 * its input follows in input_json_delta pieces as it is generated.
 */
class AnthropicObligedToolsTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static final String TOOLS = "\"tools\": [{\"name\": \"get_weather\", \"input_schema\": " + ObligedToolCallsTest.WEATHER
            + "}, {\"name\": \"get_time\", \"input_schema\": " + ObligedToolCallsTest.TIME + "}]";

    private static HttpResponse<String> messages(String fields) throws Exception {
        return Http.post(server.uri("/v1/messages"), "{\"model\": " + Http.quote(server.modelId()) + ", \"max_tokens\": 200, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"What is the weather in Paris?\"}], " + TOOLS + ", " + fields + "}");
    }

    private static List<JsonNode> events(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(r.body())) out.add(Http.json(frame.split("\n")[1].substring("data: ".length())));
        return out;
    }

    private static void assertValidToolUse(JsonNode block) {
        assertThat(block.get("type").asText()).isEqualTo("tool_use");
        assertThat(block.get("id").asText()).startsWith("toolu_");
        String name = block.get("name").asText();
        assertThat(name).isIn("get_weather", "get_time");
        assertThat(StructuredOutputTest.validate(name.equals("get_weather") ? ObligedToolCallsTest.WEATHER : ObligedToolCallsTest.TIME,
                block.get("input").toString())).isEmpty();
    }

    @Test
    void anyAlwaysAnswersWithToolUseBlocksWhoseInputValidates() throws Exception {
        for (int seed = 1; seed <= 4; seed++) {
            JsonNode m = Http.json(messages("\"tool_choice\": {\"type\": \"any\"}, \"temperature\": 1, \"top_k\": " + (40 + seed)));

            assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
            assertThat(m.get("content")).isNotEmpty();
            for (JsonNode block : m.get("content")) assertValidToolUse(block);
        }
    }

    @Test
    void aNamedToolIsTheOneUsedAndDisableParallelToolUseMakesOneCall() throws Exception {
        JsonNode m = Http.json(messages("\"tool_choice\": {\"type\": \"tool\", \"name\": \"get_time\", "
                + "\"disable_parallel_tool_use\": true}, \"temperature\": 0"));

        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(m.get("content")).hasSize(1);
        assertThat(m.get("content").get(0).get("name").asText()).isEqualTo("get_time");
        assertValidToolUse(m.get("content").get(0));
    }

    @Test
    void stopSequencesDoNotCutAnObligedCall() throws Exception {
        JsonNode m = Http.json(messages("\"tool_choice\": {\"type\": \"any\"}, \"stop_sequences\": [\"\\\"\", \"}\"], \"temperature\": 0"));

        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
        assertValidToolUse(m.get("content").get(0));
    }

    @Test
    void aStreamedCallStartsWithIdAndNameThenInputJsonDeltas() throws Exception {
        String fields = "\"tool_choice\": {\"type\": \"any\", \"disable_parallel_tool_use\": true}, \"temperature\": 0";
        JsonNode whole = Http.json(messages(fields)).get("content").get(0);
        List<JsonNode> events = events(messages(fields + ", \"stream\": true"));
        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();

        int deltas = types.size() - 6;
        assertThat(deltas).isGreaterThan(1);
        List<String> expected = new ArrayList<>(List.of("message_start", "ping", "content_block_start"));
        for (int i = 0; i < deltas; i++) expected.add("content_block_delta");
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertThat(types).isEqualTo(expected);

        JsonNode start = events.get(2).get("content_block");
        assertThat(start.get("type").asText()).isEqualTo("tool_use");
        assertThat(start.get("id").asText()).startsWith("toolu_");
        assertThat(start.get("name").asText()).isEqualTo(whole.get("name").asText());
        assertThat(start.get("input")).isEmpty();
        StringBuilder input = new StringBuilder();
        for (JsonNode e : events.subList(3, 3 + deltas)) {
            assertThat(e.get("index").asInt()).isZero();
            assertThat(e.get("delta").get("type").asText()).isEqualTo("input_json_delta");
            input.append(e.get("delta").get("partial_json").asText());
        }
        assertThat(Http.json(input.toString())).isEqualTo(whole.get("input"));
        assertThat(events.get(events.size() - 2).get("delta").get("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void anInputSchemaTheEngineCannotEnforceIsA400NamingIt() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/messages"), "{\"model\": " + Http.quote(server.modelId())
                + ", \"max_tokens\": 20, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": [{\"name\": \"f\", "
                + "\"input_schema\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", \"multipleOf\": 3}}}}], "
                + "\"tool_choice\": {\"type\": \"any\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("tools.0.input_schema").contains("multipleOf");
    }
}
