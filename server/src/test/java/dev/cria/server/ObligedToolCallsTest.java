package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tool_choice} "required" and named, enforced by the grammar on the tiny random-weight
 * model (issue #19): the answer is always a call of an offered function whose arguments validate
 * against its parameters, finish_reason "tool_calls"; streamed, the call arrives as OpenAI's deltas.
 */
class ObligedToolCallsTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":30},"
            + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\",\"unit\"],"
            + "\"additionalProperties\":false}";
    static final String TIME = "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\",\"maxLength\":30}},"
            + "\"required\":[\"zone\"],\"additionalProperties\":false}";
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
            + WEATHER + "}},{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":" + TIME + "}}]";

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]" + TOOLS + fields + "}");
    }

    private static void assertValidCall(JsonNode call) {
        String name = call.get("function").get("name").asText();
        assertThat(name).isIn("get_weather", "get_time");
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(StructuredOutputTest.validate(name.equals("get_weather") ? WEATHER : TIME,
                call.get("function").get("arguments").asText())).isEmpty();
    }

    @Test
    void requiredAlwaysAnswersWithAValidCall() throws Exception {
        for (int seed = 1; seed <= 4; seed++) {
            JsonNode choice = Http.json(chat(",\"tool_choice\":\"required\",\"temperature\":1,\"seed\":" + seed
                    + ",\"max_tokens\":200")).get("choices").get(0);

            assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(choice.get("message").get("content").isNull()).isTrue();
            for (JsonNode call : choice.get("message").get("tool_calls")) assertValidCall(call);
        }
    }

    @Test
    void aNamedFunctionIsTheOneCalled() throws Exception {
        JsonNode choice = Http.json(chat(",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}},"
                + "\"parallel_tool_calls\":false,\"temperature\":0,\"max_tokens\":200")).get("choices").get(0);
        JsonNode calls = choice.get("message").get("tool_calls");

        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).get("function").get("name").asText()).isEqualTo("get_time");
        assertValidCall(calls.get(0));
    }

    @Test
    void aNamedFunctionThatIsNotOfferedIsA400() throws Exception {
        HttpResponse<String> r = chat(",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_stock\"}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("tool_choice");
    }

    @Test
    void aStreamedCallStartsWithIdTypeAndNameThenArgumentFragments() throws Exception {
        String fields = ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false,\"temperature\":0,\"max_tokens\":200";
        JsonNode whole = Http.json(chat(fields)).get("choices").get(0).get("message").get("tool_calls").get(0);
        List<JsonNode> deltas = new ArrayList<>();
        String finish = null;
        for (JsonNode c : Http.chunks(chat(fields + ",\"stream\":true").body())) {
            JsonNode choice = c.get("choices").get(0);
            if (choice.get("delta").has("tool_calls")) deltas.add(choice.get("delta").get("tool_calls").get(0));
            if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
        }

        JsonNode first = deltas.getFirst();
        assertThat(first.get("index").asInt()).isZero();
        assertThat(first.get("id").asText()).startsWith("call_");
        assertThat(first.get("type").asText()).isEqualTo("function");
        assertThat(first.get("function").get("name").asText()).isEqualTo(whole.get("function").get("name").asText());
        StringBuilder args = new StringBuilder(first.get("function").get("arguments").asText());
        for (JsonNode d : deltas.subList(1, deltas.size())) {
            assertThat(d.get("index").asInt()).isZero();
            assertThat(d.has("id")).isFalse();
            args.append(d.get("function").get("arguments").asText());
        }
        assertThat(deltas.size()).isGreaterThan(2);
        assertThat(Http.json(args.toString())).isEqualTo(Http.json(whole.get("function").get("arguments").asText()));
        assertThat(finish).isEqualTo("tool_calls");
    }
}
