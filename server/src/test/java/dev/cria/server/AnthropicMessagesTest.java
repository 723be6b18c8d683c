package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/messages} on the wire: the exact event sequence of a stream, stop reasons, and
 * errors in Anthropic's envelope on every route of the family. The scripted engine gives
 * deterministic text and tool calls; the tiny model checks agreement with chat completions.
 */
class AnthropicMessagesTest {
    @RegisterExtension
    static final ClassServer tiny = new ClassServer();
    @RegisterExtension
    static final ClassServer scripted = ClassServer.scripted();

    private static final String WEATHER_TOOL = "\"tools\": [{\"name\": \"get_weather\", \"description\": \"The weather in a city.\", "
            + "\"input_schema\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}]";

    private static HttpResponse<String> messages(ClassServer server, String fields, String... headers) throws Exception {
        return Http.post(server.uri("/v1/messages"), "{\"model\": " + Http.quote(server.modelId()) + ", " + fields + "}", headers);
    }

    private static String ask(String user) {
        return "\"max_tokens\": 64, \"messages\": [{\"role\": \"user\", \"content\": " + Http.quote(user) + "}]";
    }

    /** A streamed answer as (event name, data) pairs, each data's type checked against its event name. */
    private static List<JsonNode> events(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(r.body())) {
            String[] lines = frame.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            JsonNode data = Http.json(lines[1].substring("data: ".length()));
            assertThat(data.get("type").asText()).isEqualTo(lines[0].substring("event: ".length()));
            out.add(data);
        }
        return out;
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    /** An error response in Anthropic's envelope: {"type": "error", "error": {"type", "message"}, "request_id"}. */
    private static JsonNode error(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode body = Http.json(r);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo(type);
        assertThat(body.get("error").get("message").asText()).isNotBlank();
        assertThat(body.get("request_id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
        return body.get("error");
    }

    @Test
    void aTextStreamIsTheDocumentedEventSequence() throws Exception {
        List<JsonNode> events = events(messages(scripted, ask("Tell me a story.") + ", \"stream\": true"));
        List<String> types = types(events);

        int deltas = types.size() - 6;
        assertThat(deltas).isPositive();
        List<String> expected = new ArrayList<>(List.of("message_start", "ping", "content_block_start"));
        for (int i = 0; i < deltas; i++) expected.add("content_block_delta");
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertThat(types).isEqualTo(expected);

        JsonNode start = events.getFirst().get("message");
        assertThat(start.get("id").asText()).startsWith("msg_");
        assertThat(start.get("role").asText()).isEqualTo("assistant");
        assertThat(start.get("content")).isEmpty();
        assertThat(start.get("stop_reason").isNull()).isTrue();
        assertThat(events.get(2).get("content_block").toString()).isEqualTo("{\"type\":\"text\",\"text\":\"\"}");
        assertThat(events.get(3).get("delta").get("type").asText()).isEqualTo("text_delta");
        assertThat(events.get(3).get("index").asInt()).isZero();
        JsonNode delta = events.get(types.size() - 2);
        assertThat(delta.get("delta").get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.get("delta").get("stop_sequence").isNull()).isTrue();
        assertThat(delta.get("usage").get("output_tokens").asInt()).isPositive();
    }

    @Test
    void aToolCallStreamsAsOneToolUseBlockWithItsInputAsJsonDelta() throws Exception {
        List<JsonNode> events = events(messages(scripted, ask("Weather in Paris?") + ", " + WEATHER_TOOL + ", \"stream\": true"));

        assertThat(types(events)).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode block = events.get(2).get("content_block");
        assertThat(block.get("type").asText()).isEqualTo("tool_use");
        assertThat(block.get("id").asText()).startsWith("toolu_");
        assertThat(block.get("name").asText()).isEqualTo("get_weather");
        assertThat(block.get("input").toString()).isEqualTo("{}");
        JsonNode delta = events.get(3).get("delta");
        assertThat(delta.get("type").asText()).isEqualTo("input_json_delta");
        assertThat(Http.json(delta.get("partial_json").asText()).toString()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(events.get(5).get("delta").get("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void aToolCallAnswersWithAToolUseBlockAndStopReasonToolUse() throws Exception {
        JsonNode m = Http.json(messages(scripted, ask("Weather in Paris?") + ", " + WEATHER_TOOL));

        assertThat(m.get("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(m.get("content")).hasSize(1);
        assertThat(m.get("content").get(0).get("type").asText()).isEqualTo("tool_use");
        assertThat(m.get("content").get(0).get("input").toString()).isEqualTo("{\"city\":\"Paris\"}");
    }

    @Test
    void toolChoiceNoneRendersWithoutToolsSoTheAnswerIsText() throws Exception {
        JsonNode m = Http.json(messages(scripted, ask("Weather in Paris?") + ", " + WEATHER_TOOL
                + ", \"tool_choice\": {\"type\": \"none\"}"));

        assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(m.get("content").get(0).get("type").asText()).isEqualTo("text");
    }

    @Test
    void aStopSequenceEndsTheAnswerAndIsNamed() throws Exception {
        JsonNode m = Http.json(messages(scripted, ask("Tell me a story.") + ", \"stop_sequences\": [\"zzz\", \" \"]"));

        assertThat(m.get("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(m.get("stop_sequence").asText()).isEqualTo(" ");
        assertThat(m.get("content").toString()).doesNotContain(" ");
    }

    @Test
    void aStreamedStopSequenceIsNamedInMessageDelta() throws Exception {
        List<JsonNode> events = events(messages(scripted, ask("Tell me a story.") + ", \"stop_sequences\": [\" \"], \"stream\": true"));

        JsonNode delta = events.get(events.size() - 2).get("delta");
        assertThat(delta.get("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(delta.get("stop_sequence").asText()).isEqualTo(" ");
    }

    @Test
    void greedyTextIsTheSameThroughMessagesAndChatCompletions() throws Exception {
        String conversation = "\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about llamas.\"}, "
                + "{\"role\": \"assistant\", \"content\": \"They live in the Andes.\"}, "
                + "{\"role\": \"user\", \"content\": \"And alpacas?\"}], \"temperature\": 0, \"max_tokens\": 24";
        JsonNode anthropic = Http.json(messages(tiny, "\"system\": \"Be brief.\", " + conversation));
        JsonNode openai = Http.json(Http.post(tiny.uri("/v1/chat/completions"), "{\"model\": " + Http.quote(tiny.modelId())
                + ", " + conversation.replace("\"messages\": [", "\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, ") + "}"));

        assertThat(anthropic.get("usage").get("output_tokens").asInt()).isPositive();
        String text = anthropic.get("content").isEmpty() ? "" : anthropic.get("content").get(0).get("text").asText();
        assertThat(text).isEqualTo(openai.get("choices").get(0).get("message").get("content").asText());
        assertThat(anthropic.get("usage").get("output_tokens").asInt())
                .isEqualTo(openai.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void missingMaxTokensIsAnInvalidRequestError() throws Exception {
        JsonNode e = error(messages(tiny, "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]"), 400, "invalid_request_error");

        assertThat(e.get("message").asText()).contains("max_tokens");
    }

    @Test
    void imageBlocksAreRefusedNamingTheBlock() throws Exception {
        JsonNode e = error(messages(tiny, "\"max_tokens\": 8, \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image\", "
                + "\"source\": {\"type\": \"base64\", \"media_type\": \"image/png\", \"data\": \"\"}}]}]"), 400, "invalid_request_error");

        assertThat(e.get("message").asText()).startsWith("messages.0.content.0.type:");
    }

    @Test
    void anUnknownModelIsNotFoundError() throws Exception {
        error(Http.post(tiny.uri("/v1/messages"), "{\"model\": \"claude-nonexistent\", " + ask("hi") + "}"), 404, "not_found_error");
    }

    @Test
    void unknownPathsAndMethodsOfTheFamilyAnswerInAnthropicsEnvelope() throws Exception {
        error(Http.post(tiny.uri("/v1/messages/batches"), "{}"), 404, "not_found_error");
        error(Http.get(tiny.uri("/v1/messages")), 405, "invalid_request_error");
    }

    @Test
    void aFullQueueIsOverloadedError529WithRetryAfter() throws Exception {
        try (TestServers.Running full = TestServers.scripted(new ScriptedEngine(512, 0, Duration.ZERO), ServerOptions.defaults())) {
            HttpResponse<String> r = Http.post(full.uri("/v1/messages"), "{\"model\": " + Http.quote(full.modelId()) + ", " + ask("hi") + "}");

            error(r, 529, "overloaded_error");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anErrorAfterTheStreamBeganIsAnErrorEventInAnthropicsShape() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(4096, 8, Duration.ofMillis(50));
        TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults().withShutdownTimeout(Duration.ofMillis(200)));
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(s.uri("/v1/messages"), "{\"model\": " + Http.quote(s.modelId()) + ", " + ask("Tell me a story.")
                        + ", \"stream\": true}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        while (engine.started.get() == 0) Thread.sleep(2);
        s.close(); // draining: what outlives the shutdown timeout is cancelled, a 503 reported in-stream

        List<String> frames = Http.frames(inFlight.get().body());
        assertThat(frames.getFirst()).startsWith("event: message_start");
        String last = frames.getLast();
        assertThat(last).startsWith("event: error\ndata: ");
        JsonNode error = Http.json(last.substring(last.indexOf("data: ") + "data: ".length()));
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("error").get("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void keysComeAsXApiKeyOrBearerAndAWrongOneIsAuthenticationError() throws Exception {
        try (TestServers.Running keyed = TestServers.alongside(scripted.running(), ServerOptions.defaults().withApiKeys(List.of("k1")))) {
            String body = "{\"model\": " + Http.quote(keyed.modelId()) + ", " + ask("hi") + "}";

            assertThat(Http.post(keyed.uri("/v1/messages"), body, "x-api-key", "k1", "anthropic-version", "2023-06-01").statusCode())
                    .isEqualTo(200);
            assertThat(Http.post(keyed.uri("/v1/messages"), body, "Authorization", "Bearer k1").statusCode()).isEqualTo(200);
            assertThat(error(Http.post(keyed.uri("/v1/messages"), body), 401, "authentication_error").get("message").asText())
                    .contains("x-api-key");
            error(Http.post(keyed.uri("/v1/messages/count_tokens"), body, "x-api-key", "wrong"), 401, "authentication_error");
            // Other routes keep OpenAI's envelope.
            assertThat(Http.json(Http.post(keyed.uri("/v1/chat/completions"), body)).get("error").get("code").asText())
                    .isEqualTo("invalid_api_key");
        }
    }
}
