package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.safety.ContentFilter;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content filtering beyond chat completions (docs/safety.md): the Responses, Anthropic Messages,
 * Ollama and {@code /score} endpoints judge the prompt before generating and the answer (whole, or
 * streamed every {@code --guard-interval} tokens and at the end), and report a block in their own
 * API's terms. The filter here is a plain Java stand-in for the Guard: a user turn that says
 * "hateful" is S10, an answer longer than 10 characters is S1; a stream is checked every 4 tokens.
 */
class GuardedApisTest {
    private static ScriptedEngine engine;
    /** The stand-in filter above. */
    private static CriaServer guarded;
    /** A filter that passes everything. */
    private static CriaServer allowing;
    /** No filter at all. */
    private static CriaServer plain;
    private static String model;

    @BeforeAll
    static void start() {
        engine = ScriptedEngine.quick();
        model = Http.quote(engine.info().name());
        ContentFilter stand_in = turns -> {
            String text = turns.getLast().text();
            boolean flagged = turns.getLast().agent() ? text.length() > 10 : text.contains("hateful");
            return FilterOutcome.of(flagged ? List.of(turns.getLast().agent() ? "S1" : "S10") : List.of(), GuardPolicy.ALL);
        };
        guarded = server(stand_in);
        allowing = server(turns -> FilterOutcome.of(List.of(), GuardPolicy.ALL));
        plain = CriaServer.start(engine, ServerOptions.defaults(), ContentSafety.off());
    }

    private static CriaServer server(ContentFilter filter) {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        safety.ready(filter, null);
        return CriaServer.start(engine, ServerOptions.defaults(), safety);
    }

    @AfterAll
    static void stop() {
        guarded.stop();
        allowing.stop();
        plain.stop();
        engine.close();
    }

    private static HttpResponse<String> post(CriaServer s, String path, String body) throws Exception {
        return Http.post(URI.create("http://127.0.0.1:" + s.port() + path), body);
    }

    /** The data of each SSE frame (named events or not). */
    private static List<JsonNode> events(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(body)) {
            for (String line : frame.split("\n")) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) out.add(Http.json(line.substring(6)));
            }
        }
        return out;
    }

    private static List<JsonNode> lines(String body) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) out.add(Http.json(line));
        return out;
    }

    private static String joined(List<JsonNode> nodes, String type, String pointer) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode n : nodes) if (type == null || n.path("type").asText().equals(type)) sb.append(n.at(pointer).asText(""));
        return sb.toString();
    }

    // ---- Responses

    private static String responses(String input, String extra) {
        return "{\"model\":" + model + ",\"input\":" + Http.quote(input) + ",\"temperature\":0,\"max_output_tokens\":40" + extra + "}";
    }

    @Test
    void responsesBlockedPromptIsOpenAisContentFilterError() throws Exception {
        HttpResponse<String> r = post(guarded, "/v1/responses", responses("a hateful request", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_filter");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        assertThat(e.get("message").asText()).contains("Llama Guard 3 categories S10");
    }

    @Test
    void responsesBlockedAnswerIsIncompleteForContentFilter() throws Exception {
        JsonNode r = Http.json(post(guarded, "/v1/responses", responses("go", "")));
        assertThat(r.get("status").asText()).isEqualTo("incomplete");
        assertThat(r.at("/incomplete_details/reason").asText()).isEqualTo("content_filter");
        assertThat(r.get("output").size()).isZero();
        assertThat(r.at("/usage/output_tokens").asInt()).isPositive();
    }

    @Test
    void responsesBlockedStreamEndsIncompleteAfterOnlyJudgedText() throws Exception {
        List<JsonNode> ev = events(post(guarded, "/v1/responses", responses("go", ",\"stream\":true")).body());
        String sent = joined(ev, "response.output_text.delta", "/delta");
        assertThat(sent.length()).isLessThanOrEqualTo(10).isPositive();
        JsonNode last = ev.getLast();
        assertThat(last.get("type").asText()).isEqualTo("response.incomplete");
        assertThat(last.at("/response/incomplete_details/reason").asText()).isEqualTo("content_filter");
        assertThat(last.at("/response/output/0/status").asText()).isEqualTo("incomplete");
        assertThat(last.at("/response/output/0/content/0/text").asText()).isEqualTo(sent);
        assertThat(ev).noneMatch(e -> e.get("type").asText().equals("response.completed"));
    }

    @Test
    void responsesAllowedAnswerIsUnchanged() throws Exception {
        JsonNode judged = Http.json(post(allowing, "/v1/responses", responses("go", "")));
        JsonNode unfiltered = Http.json(post(plain, "/v1/responses", responses("go", "")));
        assertThat(judged.get("status").asText()).isEqualTo("completed");
        assertThat(judged.at("/output/0/content/0/text").asText()).isEqualTo(unfiltered.at("/output/0/content/0/text").asText());
        List<JsonNode> ev = events(post(allowing, "/v1/responses", responses("go", ",\"stream\":true")).body());
        assertThat(joined(ev, "response.output_text.delta", "/delta")).isEqualTo(unfiltered.at("/output/0/content/0/text").asText());
        assertThat(ev.getLast().get("type").asText()).isEqualTo("response.completed");
    }

    // ---- Anthropic Messages

    private static String messages(String content, String extra) {
        return "{\"model\":" + model + ",\"max_tokens\":40,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":"
                + Http.quote(content) + "}]" + extra + "}";
    }

    @Test
    void anthropicBlockedPromptIsAnInvalidRequestErrorNamingThePolicy() throws Exception {
        HttpResponse<String> r = post(guarded, "/v1/messages", messages("a hateful request", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Http.json(r);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.at("/error/message").asText()).contains("content management policy", "S10");
    }

    @Test
    void anthropicBlockedAnswerStopsWithRefusal() throws Exception {
        JsonNode m = Http.json(post(guarded, "/v1/messages", messages("go", "")));
        assertThat(m.get("stop_reason").asText()).isEqualTo("refusal");
        assertThat(m.get("content").size()).isZero();
        assertThat(m.at("/usage/output_tokens").asInt()).isPositive();
    }

    @Test
    void anthropicBlockedStreamStopsWithRefusalAfterOnlyJudgedText() throws Exception {
        List<JsonNode> ev = events(post(guarded, "/v1/messages", messages("go", ",\"stream\":true")).body());
        String sent = joined(ev, "content_block_delta", "/delta/text");
        assertThat(sent.length()).isLessThanOrEqualTo(10).isPositive();
        JsonNode delta = ev.stream().filter(e -> e.get("type").asText().equals("message_delta")).findFirst().orElseThrow();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("refusal");
        assertThat(ev.stream().filter(e -> e.get("type").asText().equals("content_block_stop")).count()).isEqualTo(1);
        assertThat(ev.getLast().get("type").asText()).isEqualTo("message_stop");
    }

    @Test
    void anthropicAllowedAnswerIsUnchanged() throws Exception {
        JsonNode judged = Http.json(post(allowing, "/v1/messages", messages("go", "")));
        JsonNode unfiltered = Http.json(post(plain, "/v1/messages", messages("go", "")));
        assertThat(judged.get("stop_reason").asText()).isEqualTo(unfiltered.get("stop_reason").asText());
        assertThat(judged.at("/content/0/text").asText()).isEqualTo(unfiltered.at("/content/0/text").asText()).isNotEmpty();
        List<JsonNode> ev = events(post(allowing, "/v1/messages", messages("go", ",\"stream\":true")).body());
        assertThat(joined(ev, "content_block_delta", "/delta/text")).isEqualTo(unfiltered.at("/content/0/text").asText());
    }

    // ---- Ollama

    private static String ollamaChat(String content, String extra) {
        return "{\"model\":" + model + ",\"messages\":[{\"role\":\"user\",\"content\":" + Http.quote(content) + "}],"
                + "\"options\":{\"temperature\":0,\"num_predict\":40}" + extra + "}";
    }

    private static String ollamaGenerate(String prompt, String extra) {
        return "{\"model\":" + model + ",\"prompt\":" + Http.quote(prompt) + ",\"options\":{\"temperature\":0,\"num_predict\":40}"
                + extra + "}";
    }

    @Test
    void ollamaBlockedPromptIsAnErrorLine() throws Exception {
        for (HttpResponse<String> r : List.of(post(guarded, "/api/chat", ollamaChat("a hateful request", "")),
                post(guarded, "/api/generate", ollamaGenerate("a hateful request", "")))) {
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode body = Http.json(r);
            assertThat(body.size()).isEqualTo(1);
            assertThat(body.get("error").asText()).contains("S10");
        }
    }

    @Test
    void ollamaBlockedAnswerIsDoneForContentFilter() throws Exception {
        JsonNode c = Http.json(post(guarded, "/api/chat", ollamaChat("go", ",\"stream\":false")));
        assertThat(c.get("done").asBoolean()).isTrue();
        assertThat(c.get("done_reason").asText()).isEqualTo("content_filter");
        assertThat(c.at("/message/content").asText()).isEmpty();
        JsonNode g = Http.json(post(guarded, "/api/generate", ollamaGenerate("go", ",\"stream\":false")));
        assertThat(g.get("done_reason").asText()).isEqualTo("content_filter");
        assertThat(g.get("response").asText()).isEmpty();
    }

    @Test
    void ollamaBlockedStreamEndsForContentFilterAfterOnlyJudgedText() throws Exception {
        List<JsonNode> chat = lines(post(guarded, "/api/chat", ollamaChat("go", "")).body());
        assertThat(joined(chat, null, "/message/content").length()).isLessThanOrEqualTo(10).isPositive();
        assertThat(chat.getLast().get("done").asBoolean()).isTrue();
        assertThat(chat.getLast().get("done_reason").asText()).isEqualTo("content_filter");
        assertThat(chat.getLast().get("eval_count").asInt()).isPositive();
        List<JsonNode> gen = lines(post(guarded, "/api/generate", ollamaGenerate("go", "")).body());
        assertThat(joined(gen, null, "/response").length()).isLessThanOrEqualTo(10).isPositive();
        assertThat(gen.getLast().get("done_reason").asText()).isEqualTo("content_filter");
    }

    @Test
    void ollamaAllowedAnswerIsUnchanged() throws Exception {
        JsonNode judged = Http.json(post(allowing, "/api/chat", ollamaChat("go", ",\"stream\":false")));
        JsonNode unfiltered = Http.json(post(plain, "/api/chat", ollamaChat("go", ",\"stream\":false")));
        assertThat(judged.get("done_reason").asText()).isEqualTo(unfiltered.get("done_reason").asText());
        assertThat(judged.at("/message/content").asText()).isEqualTo(unfiltered.at("/message/content").asText()).isNotEmpty();
        List<JsonNode> streamed = lines(post(allowing, "/api/chat", ollamaChat("go", "")).body());
        assertThat(joined(streamed, null, "/message/content")).isEqualTo(unfiltered.at("/message/content").asText());
    }

    @Test
    void aBlockedOllamaStreamStopsItsGeneration() throws Exception {
        int before = engine.cancelled.get();
        engine.tokenDelay(java.time.Duration.ofMillis(5));
        try {
            post(guarded, "/api/chat", ollamaChat("go", "").replace("\"num_predict\":40", "\"num_predict\":200"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (engine.cancelled.get() == before && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(engine.cancelled.get()).isEqualTo(before + 1);
        } finally {
            engine.tokenDelay(java.time.Duration.ZERO);
        }
    }

    // ---- /score

    private static String score(String input) {
        return "{\"input_data\":{\"input_string\":" + input + ",\"parameters\":{\"do_sample\":false,\"max_new_tokens\":40}}}";
    }

    @Test
    void scoreBlockedPromptIsTheContentFilterError() throws Exception {
        for (String input : List.of("[{\"role\":\"user\",\"content\":\"a hateful request\"}]", "[\"fine\",\"a hateful request\"]")) {
            HttpResponse<String> r = post(guarded, "/score", score(input));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Http.json(r).at("/error/code").asText()).isEqualTo("content_filter");
        }
    }

    @Test
    void scoreBlockedAnswerIsNull() throws Exception {
        JsonNode chat = Http.json(post(guarded, "/score", score("[{\"role\":\"user\",\"content\":\"go\"}]")));
        assertThat(chat.has("output")).isTrue();
        assertThat(chat.get("output").isNull()).isTrue();
        JsonNode rows = Http.json(post(guarded, "/score", score("[\"go\"]")));
        assertThat(rows.at("/0/0").isNull()).isTrue();
    }

    @Test
    void scoreAllowedAnswerIsUnchanged() throws Exception {
        String input = "[{\"role\":\"user\",\"content\":\"go\"}]";
        JsonNode judged = Http.json(post(allowing, "/score", score(input)));
        assertThat(judged.get("output").asText()).isEqualTo(Http.json(post(plain, "/score", score(input))).get("output").asText())
                .isNotEmpty();
        JsonNode rows = Http.json(post(allowing, "/score", score("[\"go\"]")));
        assertThat(rows.at("/0/0").asText()).isEqualTo(Http.json(post(plain, "/score", score("[\"go\"]"))).at("/0/0").asText());
    }
}
