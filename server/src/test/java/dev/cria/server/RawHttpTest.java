package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire format itself: SSE framing, chunk contents and the streaming/non-streaming agreement. */
class RawHttpTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static String chat(String user, String extra) {
        return "{\"model\":" + Http.quote(server.modelId()) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + Http.quote(user) + "}],\"temperature\":0" + extra + "}";
    }

    private static HttpResponse<String> postChat(String body) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), body);
    }

    @Test
    void streamIsServerSentEventsEndingWithDone() throws Exception {
        HttpResponse<String> r = postChat(chat("Hello", ",\"max_tokens\":8,\"stream\":true"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        List<String> frames = Http.frames(r.body());
        assertThat(frames.getLast()).isEqualTo("data: [DONE]");
        assertThat(frames).allSatisfy(f -> assertThat(f).startsWith("data: ").doesNotContain("\n"));
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void firstChunkCarriesTheRoleAndOneFinalChunkTheFinishReason() throws Exception {
        List<JsonNode> chunks = Http.chunks(postChat(chat("Hello", ",\"max_tokens\":8,\"stream\":true")).body());

        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(chunks.getFirst().get("id").asText());
            assertThat(c.has("usage")).as("usage is absent without include_usage").isFalse();
        });
        List<String> reasons = chunks.stream().map(c -> c.at("/choices/0/finish_reason"))
                .filter(n -> !n.isNull() && !n.isMissingNode()).map(JsonNode::asText).toList();
        assertThat(reasons).hasSize(1);
        assertThat(chunks.getLast().at("/choices/0/finish_reason").isNull()).isFalse();
    }

    @Test
    void includeUsageSendsNullUsageThenAUsageChunkWithNoChoices() throws Exception {
        List<JsonNode> chunks = Http.chunks(postChat(chat("Hello",
                ",\"max_tokens\":6,\"stream\":true,\"stream_options\":{\"include_usage\":true}")).body());

        JsonNode last = chunks.getLast();
        assertThat(last.get("choices")).isEmpty();
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(6);
        assertThat(last.at("/usage/total_tokens").asInt())
                .isEqualTo(last.at("/usage/prompt_tokens").asInt() + last.at("/usage/completion_tokens").asInt());
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> {
            assertThat(c.has("usage")).isTrue();
            assertThat(c.get("usage").isNull()).isTrue();
        });
    }

    @Test
    void streamAndNonStreamGiveTheSameGreedyText() throws Exception {
        String plain = Http.json(postChat(chat("Tell a tale", ",\"max_tokens\":30"))).at("/choices/0/message/content").asText();
        StringBuilder streamed = new StringBuilder();
        for (JsonNode c : Http.chunks(postChat(chat("Tell a tale", ",\"max_tokens\":30,\"stream\":true")).body())) {
            JsonNode content = c.at("/choices/0/delta/content");
            if (content.isTextual()) streamed.append(content.asText());
        }

        assertThat(streamed.toString()).isEqualTo(plain);
    }

    @Test
    void aStopStringEndsTheTextBeforeItAndIsNeverSent() throws Exception {
        // The stop string is taken from the model's own greedy output (ignore_eos: the random-weight
        // model must not end early), three code points from the middle, so it surely occurs.
        String plain = Http.json(postChat(chat("Go on", ",\"max_tokens\":30,\"ignore_eos\":true"))).at("/choices/0/message/content").asText();
        int cps = plain.codePointCount(0, plain.length());
        assertThat(cps).as("the greedy text is long enough to pick a stop string from").isGreaterThan(8);
        int from = plain.offsetByCodePoints(0, cps / 2 - 1);
        String stop = plain.substring(from, plain.offsetByCodePoints(from, 3));
        String expected = plain.substring(0, plain.indexOf(stop));

        JsonNode stopped = Http.json(postChat(chat("Go on", ",\"max_tokens\":30,\"ignore_eos\":true,\"stop\":[" + Http.quote(stop) + "]")));
        List<JsonNode> chunks = Http.chunks(postChat(chat("Go on", ",\"max_tokens\":30,\"ignore_eos\":true,\"stream\":true,\"stop\":"
                + Http.quote(stop))).body());
        StringBuilder streamed = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode content = c.at("/choices/0/delta/content");
            if (content.isTextual()) {
                assertThat(content.asText()).doesNotContain(stop);
                streamed.append(content.asText());
            }
        }

        assertThat(stopped.at("/choices/0/message/content").asText()).isEqualTo(expected);
        assertThat(stopped.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(streamed.toString()).isEqualTo(expected);
    }

    @Test
    void logprobsHaveTheOpenAiShapeWithBytes() throws Exception {
        JsonNode withTop = Http.json(postChat(chat("Hi", ",\"max_tokens\":5,\"logprobs\":true,\"top_logprobs\":2")));
        JsonNode withoutTop = Http.json(postChat(chat("Hi", ",\"max_tokens\":5,\"logprobs\":true")));

        JsonNode content = withTop.at("/choices/0/logprobs/content");
        assertThat(content.size()).isEqualTo(withTop.at("/usage/completion_tokens").asInt());
        assertThat(content).allSatisfy(e -> {
            assertThat(e.get("token").isTextual()).isTrue();
            assertThat(e.get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
            assertThat(e.get("bytes").isArray()).isTrue();
            assertThat(e.get("top_logprobs")).hasSize(2);
        });
        assertThat(withoutTop.at("/choices/0/logprobs/content")).allSatisfy(e ->
                assertThat(e.get("top_logprobs").isArray() && e.get("top_logprobs").isEmpty()).isTrue());
        assertThat(Http.json(postChat(chat("Hi", ",\"max_tokens\":2"))).at("/choices/0/logprobs").isNull()).isTrue();
    }

    @Test
    void completionsAcceptTokenIdsAndArraysOfPrompts() throws Exception {
        int[] ids = server.engine().tokenize("Once upon", false);
        StringBuilder idList = new StringBuilder();
        for (int id : ids) idList.append(idList.isEmpty() ? "" : ",").append(id);
        String model = Http.quote(server.modelId());

        JsonNode byIds = Http.json(Http.post(server.uri("/v1/completions"),
                "{\"model\":" + model + ",\"prompt\":[" + idList + "],\"max_tokens\":4,\"temperature\":0}"));
        JsonNode two = Http.json(Http.post(server.uri("/v1/completions"),
                "{\"model\":" + model + ",\"prompt\":[\"a\",\"b\"],\"n\":2,\"max_tokens\":3,\"temperature\":0}"));

        assertThat(byIds.at("/usage/prompt_tokens").asInt()).isEqualTo(ids.length);
        assertThat(byIds.at("/object").asText()).isEqualTo("text_completion");
        assertThat(two.get("choices")).hasSize(4);
        assertThat(two.at("/choices/0/text").asText()).isEqualTo(two.at("/choices/1/text").asText());
        assertThat(two.at("/choices/3/index").asInt()).isEqualTo(3);
    }

    @Test
    void v3OpenAiAnswersInTheProviderStyle() throws Exception {
        JsonNode models = Http.json(Http.get(server.uri("/v3/openai/models")));
        String providerId = models.at("/data/0/id").asText();
        JsonNode c = Http.json(Http.post(server.uri("/v3/openai/chat/completions"),
                "{\"model\":" + Http.quote(providerId) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}"));

        assertThat(providerId).matches("meta-llama/llama-3\\.2-[13]b-instruct");
        assertThat(c.get("id").asText()).startsWith("chat-");
        assertThat(c.get("system_fingerprint").asText()).isEmpty();
        assertThat(c.at("/usage/prompt_tokens_details").isNull()).isTrue();
        assertThat(c.at("/usage/completion_tokens_details").isNull()).isTrue();
        assertThat(c.has("content_filter_results")).isFalse();
        assertThat(Http.get(server.uri("/v3/openai/models/" + providerId)).statusCode()).isEqualTo(200);
    }

    @Test
    void manyClientsAtOnceAllGetTheirAnswer() throws Exception {
        String body = chat("Same question", ",\"max_tokens\":10");
        String expected = Http.json(postChat(body)).at("/choices/0/message/content").asText();
        List<Future<String>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                boolean stream = i % 2 == 1;
                Callable<String> call = () -> stream ? streamedText(postChat(chat("Same question", ",\"max_tokens\":10,\"stream\":true")))
                        : Http.json(postChat(body)).at("/choices/0/message/content").asText();
                answers.add(pool.submit(call));
            }
            for (Future<String> a : answers) assertThat(a.get()).isEqualTo(expected);
        }
    }

    private static String streamedText(HttpResponse<String> r) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : Http.chunks(r.body())) {
            JsonNode content = c.at("/choices/0/delta/content");
            if (content.isTextual()) sb.append(content.asText());
        }
        return sb.toString();
    }

    @Test
    void scoreAnswersChatWithOutputAndTextWithRows() throws Exception {
        JsonNode chatAnswer = Http.json(Http.post(server.uri("/score"), "{\"input_data\":{\"input_string\":["
                + "{\"role\":\"user\",\"content\":\"Hello\"}],\"parameters\":{\"do_sample\":false,\"max_new_tokens\":6,\"foo\":1}}}"));
        JsonNode rows = Http.json(Http.post(server.uri("/score"), "{\"input_data\":{\"input_string\":[\"The sky\",\"A cat\"],"
                + "\"parameters\":{\"do_sample\":false,\"max_new_tokens\":5,\"return_full_text\":false}}}"));
        JsonNode completion = Http.json(Http.post(server.uri("/v1/completions"),
                "{\"model\":" + Http.quote(server.modelId()) + ",\"prompt\":\"The sky\",\"max_tokens\":5,\"temperature\":0}"));
        JsonNode chatCompletion = Http.json(postChat(chat("Hello", ",\"max_tokens\":6")));

        assertThat(chatAnswer.get("output").asText()).isEqualTo(chatCompletion.at("/choices/0/message/content").asText());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows).hasSize(2);
        assertThat(rows.at("/0/0").asText()).isEqualTo(completion.at("/choices/0/text").asText());
        assertThat(rows.at("/1/0").isTextual()).isTrue();
    }

    @Test
    void scoreReturnsTheFullTextWhenAsked() throws Exception {
        JsonNode rows = Http.json(Http.post(server.uri("/score"), "{\"input_data\":{\"input_string\":[\"The sky\"],"
                + "\"parameters\":{\"do_sample\":false,\"max_new_tokens\":4,\"return_full_text\":true}}}"));

        assertThat(rows.at("/0/0").asText()).startsWith("The sky");
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        String text = "Grüße, 日本 🦙!";
        JsonNode tokens = Http.json(Http.post(server.uri("/tokenize"), "{\"content\":" + Http.quote(text) + "}"));
        JsonNode withBos = Http.json(Http.post(server.uri("/tokenize"), "{\"content\":" + Http.quote(text) + ",\"add_special\":true}"));
        JsonNode back = Http.json(Http.post(server.uri("/detokenize"), "{\"tokens\":" + tokens.get("tokens") + "}"));

        assertThat(back.get("content").asText()).isEqualTo(text);
        assertThat(withBos.at("/tokens/0").asInt()).isEqualTo(server.engine().bosId());
        assertThat(withBos.get("tokens").size()).isEqualTo(tokens.get("tokens").size() + 1);
    }

    @Test
    void healthIsOkWhenReady() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/health"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/v1/models"), "Origin", "https://example.org");

        assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void corsAllowsTheConfiguredOrigin() throws Exception {
        try (TestServers.Running cors = TestServers.alongside(server.running(), ServerOptions.defaults().withCorsOrigins(List.of("https://app.example")))) {
            HttpResponse<String> allowed = Http.get(cors.uri("/v1/models"), "Origin", "https://app.example");
            HttpResponse<String> other = Http.get(cors.uri("/v1/models"), "Origin", "https://evil.example");
            var preflight = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(cors.uri("/v1/chat/completions"))
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(allowed.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
            assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-headers")).contains("authorization, content-type");
        }
    }
}
