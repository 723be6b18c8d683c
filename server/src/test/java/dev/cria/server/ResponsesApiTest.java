package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/responses} on the wire: the exact event sequence of a stream, function calls and their
 * outputs, incomplete answers, what is refused, and the store. The scripted engine gives
 * deterministic text and tool calls; the tiny model checks agreement with chat completions.
 */
class ResponsesApiTest {
    @RegisterExtension
    static final ClassServer tiny = new ClassServer();
    @RegisterExtension
    static final ClassServer scripted = ClassServer.scripted();

    private static final String WEATHER_TOOL = "\"tools\": [{\"type\": \"function\", \"name\": \"get_weather\", "
            + "\"description\": \"The weather in a city.\", \"parameters\": {\"type\": \"object\", "
            + "\"properties\": {\"city\": {\"type\": \"string\"}}}, \"strict\": false}]";

    private static HttpResponse<String> create(ClassServer server, String fields) throws Exception {
        return Http.post(server.uri("/v1/responses"), "{\"model\": " + Http.quote(server.modelId()) + ", " + fields + "}");
    }

    /** A stream's events, each frame's event name checked against its data's type and sequence_number counted from 0. */
    private static List<JsonNode> events(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(r.body())) {
            String[] lines = frame.split("\n");
            assertThat(lines).hasSize(2);
            JsonNode data = Http.json(lines[1].substring("data: ".length()));
            assertThat(lines[0]).isEqualTo("event: " + data.get("type").asText());
            assertThat(data.get("sequence_number").asInt()).isEqualTo(out.size());
            out.add(data);
        }
        return out;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    private static JsonNode error(HttpResponse<String> r, int status, String param) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("message").asText()).isNotBlank();
        if (param != null) assertThat(e.get("param").asText()).isEqualTo(param);
        return e;
    }

    @Test
    void aTextStreamIsTheDocumentedEventSequence() throws Exception {
        List<JsonNode> events = events(create(scripted, "\"input\": \"Tell me a story.\", \"stream\": true"));
        List<String> types = types(events);

        int deltas = types.size() - 8;
        assertThat(deltas).isPositive();
        List<String> expected = new ArrayList<>(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added"));
        for (int i = 0; i < deltas; i++) expected.add("response.output_text.delta");
        expected.addAll(List.of("response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.completed"));
        assertThat(types).isEqualTo(expected);

        assertThat(events.getFirst().get("response").get("status").asText()).isEqualTo("in_progress");
        assertThat(events.getFirst().get("response").get("output")).isEmpty();
        String itemId = events.get(2).get("item").get("id").asText();
        assertThat(itemId).startsWith("msg_");
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events.subList(4, 4 + deltas)) {
            assertThat(e.get("item_id").asText()).isEqualTo(itemId);
            text.append(e.get("delta").asText());
        }
        assertThat(events.get(4 + deltas).get("text").asText()).isEqualTo(text.toString());
        JsonNode done = events.getLast().get("response");
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(done.get("output").get(0).get("content").get(0).get("text").asText()).isEqualTo(text.toString());
        JsonNode usage = done.get("usage");
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("input_tokens").asInt() + usage.get("output_tokens").asInt());
        assertThat(usage.get("output_tokens_details").get("reasoning_tokens").asInt()).isZero();
    }

    @Test
    void aToolCallStreamsAsAFunctionCallItemWithArgumentEvents() throws Exception {
        List<JsonNode> events = events(create(scripted, "\"input\": \"Weather in Paris?\", " + WEATHER_TOOL + ", \"stream\": true"));

        assertThat(types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        JsonNode added = events.get(2).get("item");
        assertThat(added.get("type").asText()).isEqualTo("function_call");
        assertThat(added.get("arguments").asText()).isEmpty();
        JsonNode done = events.get(5).get("item");
        assertThat(done.get("call_id").asText()).startsWith("call_");
        assertThat(done.get("name").asText()).isEqualTo("get_weather");
        assertThat(Http.json(done.get("arguments").asText()).toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(events.get(4).get("arguments").asText()).isEqualTo(done.get("arguments").asText());
    }

    @Test
    void aFunctionCallOutputIsAcceptedAndRenderedSoTheModelAnswersInText() throws Exception {
        JsonNode first = Http.json(create(scripted, "\"input\": \"Weather in Paris?\", " + WEATHER_TOOL));
        JsonNode call = first.get("output").get(0);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("id").asText()).startsWith("fc_");

        String input = "[{\"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \"Weather in Paris?\"}]}, "
                + call + ", {\"type\": \"function_call_output\", \"call_id\": " + Http.quote(call.get("call_id").asText())
                + ", \"output\": \"{\\\"temperature\\\": 21}\"}]";
        JsonNode second = Http.json(create(scripted, "\"input\": " + input + ", " + WEATHER_TOOL));

        assertThat(second.get("status").asText()).isEqualTo("completed");
        assertThat(second.get("output").get(0).get("type").asText()).isEqualTo("message");
        assertThat(second.get("output").get(0).get("content").get(0).get("type").asText()).isEqualTo("output_text");
    }

    @Test
    void aFunctionCallOutputContinuesAStoredCallByPreviousResponseId() throws Exception {
        JsonNode first = Http.json(create(scripted, "\"input\": \"Weather in Paris?\", " + WEATHER_TOOL));
        String callId = first.get("output").get(0).get("call_id").asText();

        JsonNode second = Http.json(create(scripted, "\"previous_response_id\": " + Http.quote(first.get("id").asText())
                + ", \"input\": [{\"type\": \"function_call_output\", \"call_id\": " + Http.quote(callId)
                + ", \"output\": \"sunny\"}], " + WEATHER_TOOL));

        assertThat(second.get("previous_response_id").asText()).isEqualTo(first.get("id").asText());
        assertThat(second.get("output").get(0).get("type").asText()).isEqualTo("message");
    }

    @Test
    void maxOutputTokensCutsTheResponseToIncomplete() throws Exception {
        JsonNode r = Http.json(create(scripted, "\"input\": \"Tell me a story.\", \"max_output_tokens\": 3"));

        assertThat(r.get("status").asText()).isEqualTo("incomplete");
        assertThat(r.get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(r.get("output").get(0).get("status").asText()).isEqualTo("incomplete");
        assertThat(r.get("usage").get("output_tokens").asInt()).isEqualTo(3);
        assertThat(r.get("max_output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void aStreamCutByMaxOutputTokensEndsWithResponseIncomplete() throws Exception {
        List<JsonNode> events = events(create(scripted, "\"input\": \"Tell me a story.\", \"max_output_tokens\": 3, \"stream\": true"));

        assertThat(events.getLast().get("type").asText()).isEqualTo("response.incomplete");
        assertThat(events.getLast().get("response").get("incomplete_details").get("reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void toolChoiceNoneRendersWithoutToolsSoTheAnswerIsText() throws Exception {
        JsonNode r = Http.json(create(scripted, "\"input\": \"Weather in Paris?\", " + WEATHER_TOOL + ", \"tool_choice\": \"none\""));

        assertThat(r.get("output").get(0).get("type").asText()).isEqualTo("message");
        assertThat(r.get("tool_choice").asText()).isEqualTo("none");
    }

    @Test
    void hostedToolsAndImagePartsAreRefusedByName() throws Exception {
        error(create(scripted, "\"input\": \"hi\", \"tools\": [{\"type\": \"web_search\"}]"), 400, "tools[0].type");
        error(create(scripted, "\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_image\", "
                + "\"image_url\": \"https://example.com/a.png\"}]}]"), 400, "input[0].content[0].type");
    }

    @Test
    void aStoredResponseIsRetrievedThenDeleted() throws Exception {
        JsonNode r = Http.json(create(scripted, "\"input\": \"Tell me a story.\""));
        String id = r.get("id").asText();

        HttpResponse<String> got = Http.get(scripted.uri("/v1/responses/" + id));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(Http.json(got)).isEqualTo(r);
        HttpResponse<String> deleted = Http.delete(scripted.uri("/v1/responses/" + id));
        assertThat(Http.json(deleted).toString()).isEqualTo("{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}");
        error(Http.get(scripted.uri("/v1/responses/" + id)), 404, null);
        error(Http.delete(scripted.uri("/v1/responses/" + id)), 404, null);
    }

    private static JsonNode inputItems(String id, String query) throws Exception {
        HttpResponse<String> r = Http.get(tiny.uri("/v1/responses/" + id + "/input_items" + query));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode list = Http.json(r);
        assertThat(list.get("object").asText()).isEqualTo("list");
        return list;
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        for (JsonNode item : list.get("data")) ids.add(item.get("id").asText());
        assertThat(list.get("first_id").asText()).isEqualTo(ids.getFirst());
        assertThat(list.get("last_id").asText()).isEqualTo(ids.getLast());
        return ids;
    }

    @Test
    void aStoredResponsesInputItemsAreListedNewestFirstAndPaged() throws Exception {
        JsonNode r = Http.json(create(tiny, "\"max_output_tokens\": 4, \"input\": ["
                + "{\"id\": \"msg_mine\", \"role\": \"user\", \"content\": \"Weather in Paris?\"},"
                + "{\"type\": \"function_call\", \"call_id\": \"call_1\", \"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"},"
                + "{\"type\": \"function_call_output\", \"call_id\": \"call_1\", \"output\": \"sunny\"},"
                + "{\"type\": \"message\", \"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \"Thanks.\"}]}]"));
        String id = r.get("id").asText();

        JsonNode all = inputItems(id, "");
        List<String> newestFirst = ids(all);
        assertThat(all.get("has_more").asBoolean()).isFalse();
        assertThat(newestFirst).hasSize(4);
        JsonNode first = all.get("data").get(3);
        assertThat(first.get("id").asText()).isEqualTo("msg_mine");
        assertThat(first.get("type").asText()).isEqualTo("message");
        assertThat(first.get("role").asText()).isEqualTo("user");
        assertThat(first.get("content").get(0).get("type").asText()).isEqualTo("input_text");
        assertThat(first.get("content").get(0).get("text").asText()).isEqualTo("Weather in Paris?");
        JsonNode call = all.get("data").get(2);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("id").asText()).startsWith("fc_");
        assertThat(call.get("call_id").asText()).isEqualTo("call_1");
        assertThat(call.get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("arguments").asText()).isEqualTo("{\"city\": \"Paris\"}");
        JsonNode output = all.get("data").get(1);
        assertThat(output.get("type").asText()).isEqualTo("function_call_output");
        assertThat(output.get("output").asText()).isEqualTo("sunny");
        assertThat(all.get("data").get(0).get("content").get(0).get("text").asText()).isEqualTo("Thanks.");

        JsonNode page1 = inputItems(id, "?order=asc&limit=3");
        assertThat(ids(page1)).isEqualTo(newestFirst.reversed().subList(0, 3));
        assertThat(page1.get("has_more").asBoolean()).isTrue();
        JsonNode page2 = inputItems(id, "?order=asc&limit=3&after=" + page1.get("last_id").asText());
        assertThat(ids(page2)).isEqualTo(List.of(newestFirst.getFirst()));
        assertThat(page2.get("has_more").asBoolean()).isFalse();
        JsonNode descPage = inputItems(id, "?limit=1&after=" + newestFirst.get(1));
        assertThat(ids(descPage)).isEqualTo(List.of(newestFirst.get(2)));
        assertThat(descPage.get("has_more").asBoolean()).isTrue();

        error(Http.get(tiny.uri("/v1/responses/" + id + "/input_items?limit=0")), 400, "limit");
        error(Http.get(tiny.uri("/v1/responses/" + id + "/input_items?limit=101")), 400, "limit");
        error(Http.get(tiny.uri("/v1/responses/" + id + "/input_items?order=sideways")), 400, "order");
        error(Http.get(tiny.uri("/v1/responses/" + id + "/input_items?after=msg_nope")), 400, "after");
        Http.delete(tiny.uri("/v1/responses/" + id));
        error(Http.get(tiny.uri("/v1/responses/" + id + "/input_items")), 404, null);
    }

    @Test
    void aStringInputIsOneUserMessageItemAndUnknownIdsAre404() throws Exception {
        JsonNode r = Http.json(create(tiny, "\"max_output_tokens\": 4, \"input\": \"Hi.\""));
        JsonNode list = inputItems(r.get("id").asText(), "");

        assertThat(ids(list)).hasSize(1);
        JsonNode item = list.get("data").get(0);
        assertThat(item.get("id").asText()).startsWith("msg_");
        assertThat(item.get("role").asText()).isEqualTo("user");
        assertThat(item.get("content").get(0).get("text").asText()).isEqualTo("Hi.");
        JsonNode e = error(Http.get(tiny.uri("/v1/responses/resp_unknown/input_items")), 404, null);
        assertThat(e.get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void theHostedProviderProfileHasNoResponsesApi() throws Exception {
        JsonNode e = error(Http.post(tiny.uri("/v3/openai/responses"), "{\"model\": " + Http.quote(tiny.modelId())
                + ", \"input\": \"Hi.\"}"), 404, null);
        assertThat(e.get("message").asText()).isNotBlank();
    }

    @Test
    void storeFalseKeepsNothingSoItCannotBeContinued() throws Exception {
        JsonNode r = Http.json(create(scripted, "\"input\": \"Tell me a story.\", \"store\": false"));

        assertThat(r.get("store").asBoolean()).isFalse();
        error(Http.get(scripted.uri("/v1/responses/" + r.get("id").asText())), 404, null);
        error(create(scripted, "\"input\": \"More.\", \"previous_response_id\": " + Http.quote(r.get("id").asText())),
                404, "previous_response_id");
    }

    @Test
    void greedyTextIsTheSameThroughResponsesAndChatCompletions() throws Exception {
        String turns = "{\"role\": \"user\", \"content\": \"Tell me about llamas.\"}, "
                + "{\"role\": \"assistant\", \"content\": \"They live in the Andes.\"}, "
                + "{\"role\": \"user\", \"content\": \"And alpacas?\"}";
        JsonNode responses = Http.json(create(tiny, "\"instructions\": \"Be brief.\", \"input\": [" + turns
                + "], \"temperature\": 0, \"max_output_tokens\": 24"));
        JsonNode chat = Http.json(Http.post(tiny.uri("/v1/chat/completions"), "{\"model\": " + Http.quote(tiny.modelId())
                + ", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, " + turns
                + "], \"temperature\": 0, \"max_tokens\": 24}"));

        assertThat(responses.get("output").get(0).get("content").get(0).get("text").asText())
                .isEqualTo(chat.get("choices").get(0).get("message").get("content").asText());
        assertThat(responses.get("usage").get("input_tokens").asInt()).isEqualTo(chat.get("usage").get("prompt_tokens").asInt());
        assertThat(responses.get("usage").get("output_tokens").asInt()).isEqualTo(chat.get("usage").get("completion_tokens").asInt());
    }
}
