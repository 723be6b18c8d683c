package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /api/chat with tools, over raw HTTP on the {@link ScriptedEngine} (which answers a call when tools
 * are offered): the call comes back whole in {@code message.tool_calls}, with the arguments as an
 * object, streamed or not; the result sent back as a tool message gets a text answer.
 */
class OllamaToolsTest {
    @RegisterExtension
    static final ClassServer server = ClassServer.scripted();

    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"description\":\"The weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
            + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
    private static final String ASK = "{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}";

    private static String body(String messages, String fields) {
        return "{\"model\":" + Http.quote(server.modelId()) + ",\"messages\":[" + messages + "]" + TOOLS + fields + "}";
    }

    @Test
    void aToolCallComesBackInMessageToolCallsWithArgumentsAsAnObject() throws Exception {
        JsonNode r = Http.json(Http.post(server.uri("/api/chat"), body(ASK, ",\"stream\":false")));
        JsonNode call = r.get("message").get("tool_calls").get(0);

        assertThat(r.get("done_reason").asText()).isEqualTo("stop");
        assertThat(r.get("message").get("content").asText()).isEmpty();
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("function").get("arguments").get("city").asText()).isEqualTo("Paris");
        assertThat(call.get("function").get("index").asInt()).isZero();
    }

    @Test
    void aStreamedToolCallIsOneLineBeforeTheDoneLineAndNoTextLeaks() throws Exception {
        List<JsonNode> lines = OllamaApiTest.lines(Http.post(server.uri("/api/chat"), body(ASK, "")));

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("done").asBoolean()).isFalse();
        assertThat(lines.get(0).get("message").get("tool_calls").get(0).get("function").get("arguments").get("city").asText())
                .isEqualTo("Paris");
        assertThat(lines.get(1).get("done").asBoolean()).isTrue();
        assertThat(lines.get(1).get("message").has("tool_calls")).isFalse();
    }

    @Test
    void theToolResultSentBackGetsATextAnswer() throws Exception {
        String conversation = ASK + ",{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":"
                + "\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},{\"role\":\"tool\",\"tool_name\":\"get_weather\","
                + "\"content\":\"sunny, 21 C\"}";
        JsonNode r = Http.json(Http.post(server.uri("/api/chat"), body(conversation, ",\"stream\":false")));

        assertThat(r.get("message").has("tool_calls")).isFalse();
        assertThat(r.get("message").get("content").asText()).isNotBlank();
    }
}
