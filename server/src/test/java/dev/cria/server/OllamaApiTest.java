package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.ChatMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ollama's /api over raw HTTP on the tiny model: NDJSON framing, each endpoint's shape, the counts and durations. */
class OllamaApiTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static final String HELLO = "[{\"role\":\"user\",\"content\":\"Tell me about llamas.\"}]";

    private static String model() {
        return Http.quote(server.modelId());
    }

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/api/chat"), "{\"model\":" + model() + ",\"messages\":" + HELLO + fields + "}");
    }

    private static HttpResponse<String> generate(String fields) throws Exception {
        return Http.post(server.uri("/api/generate"), "{\"model\":" + model() + fields + "}");
    }

    /** Each line of an NDJSON body; the body ends with a newline. */
    static List<JsonNode> lines(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/x-ndjson");
        assertThat(r.body()).endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.body().split("\n")) out.add(Http.json(line));
        return out;
    }

    private static String text(List<JsonNode> lines, String field) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode l : lines) sb.append(field.equals("response") ? l.get("response").asText() : l.get("message").get("content").asText());
        return sb.toString();
    }

    private static int[] chatPrompt(String user) {
        return server.engine().renderChat(List.of(ChatMessage.of("user", user)), null, true);
    }

    @Test
    void versionIsTheOllamaReleaseWhoseApiIsFollowed() throws Exception {
        JsonNode v = Http.json(Http.get(server.uri("/api/version")));

        assertThat(v.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void tagsListEveryServedNameWithTheLatestTag() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/api/tags"));
        JsonNode models = Http.json(r).get("models");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(models.findValuesAsText("name")).contains("tiny-llama3-Q8_0:latest", server.modelId() + ":latest");
        JsonNode first = models.get(0);
        assertThat(first.get("model").asText()).isEqualTo(first.get("name").asText());
        assertThat(first.get("size").asLong()).isEqualTo(Files.size(TestServers.model()));
        assertThat(first.get("digest").asText()).matches("[0-9a-f]{64}");
        assertThat(first.get("modified_at").asText()).endsWith("Z");
        assertThat(first.get("details").get("format").asText()).isEqualTo("gguf");
        assertThat(first.get("details").get("family").asText()).isEqualTo("llama");
        assertThat(first.get("details").get("quantization_level").asText()).isEqualTo(server.engine().info().weightType());
    }

    @Test
    void showDescribesTheModelWithTheContextARequestGets() throws Exception {
        JsonNode card = Http.json(Http.post(server.uri("/api/show"), "{\"model\": \"tiny-llama3-Q8_0:latest\"}"));

        assertThat(card.get("details").get("family").asText()).isEqualTo("llama");
        assertThat(card.get("model_info").get("llama.context_length").asInt()).isEqualTo(server.engine().info().contextLength());
        assertThat(card.get("capabilities").toString()).contains("\"tools\"", "\"completion\"");
    }

    @Test
    void psListsTheLoadedModelThatNeverExpires() throws Exception {
        JsonNode running = Http.json(Http.get(server.uri("/api/ps"))).get("models").get(0);

        assertThat(running.get("name").asText()).isEqualTo("tiny-llama3-Q8_0:latest");
        assertThat(running.get("context_length").asInt()).isEqualTo(server.engine().info().contextLength());
        assertThat(running.get("expires_at").asText()).startsWith("9999-");
    }

    @Test
    void chatStreamsLinesThatEndWithOneDoneLineCarryingCountsAndDurations() throws Exception {
        List<JsonNode> lines = lines(chat(",\"options\":{\"temperature\":0,\"num_predict\":16}"));
        JsonNode last = lines.getLast();

        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> {
            assertThat(l.get("done").asBoolean()).isFalse();
            assertThat(l.get("model").asText()).isEqualTo(server.modelId());
            assertThat(l.get("message").get("role").asText()).isEqualTo("assistant");
            assertThat(l.has("eval_count")).isFalse();
        });
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("done_reason").asText()).isIn("stop", "length");
        assertThat(last.get("message").get("content").asText()).isEmpty();
        assertThat(last.get("prompt_eval_count").asInt()).isEqualTo(chatPrompt("Tell me about llamas.").length);
        assertThat(last.get("eval_count").asInt()).isBetween(1, 16);
        assertThat(last.get("total_duration").asLong()).isEqualTo(last.get("load_duration").asLong()
                + last.get("prompt_eval_duration").asLong() + last.get("eval_duration").asLong());
        assertThat(last.get("eval_duration").asLong()).isPositive();
    }

    @Test
    void chatWithoutStreamingIsOneBodyWithTheTextTheStreamHad() throws Exception {
        String options = ",\"options\":{\"temperature\":0,\"num_predict\":24}";
        List<JsonNode> streamed = lines(chat(options));
        HttpResponse<String> r = chat(options + ",\"stream\":false");
        JsonNode whole = Http.json(r);

        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(whole.get("done").asBoolean()).isTrue();
        assertThat(whole.get("message").get("content").asText()).isEqualTo(text(streamed, "message"));
        assertThat(whole.get("eval_count").asInt()).isEqualTo(streamed.getLast().get("eval_count").asInt());
    }

    @Test
    void numPredictEndsTheAnswerWithLength() throws Exception {
        JsonNode last = lines(chat(",\"options\":{\"temperature\":0,\"num_predict\":3}")).getLast();

        assertThat(last.get("done_reason").asText()).isEqualTo("length");
        assertThat(last.get("eval_count").asInt()).isEqualTo(3);
    }

    @Test
    void numCtxBoundsTheContextOfTheRequest() throws Exception {
        int prompt = chatPrompt("Tell me about llamas.").length;
        JsonNode last = lines(chat(",\"options\":{\"temperature\":0,\"num_ctx\":" + (prompt + 2) + "}")).getLast();
        HttpResponse<String> tooSmall = chat(",\"options\":{\"num_ctx\":" + prompt + "}");

        assertThat(last.get("done_reason").asText()).isEqualTo("length");
        assertThat(last.get("eval_count").asInt()).isEqualTo(2);
        assertThat(tooSmall.statusCode()).isEqualTo(400);
    }

    @Test
    void aNumCtxAboveTheServersContextIsTheServersContext() throws Exception {
        JsonNode last = lines(chat(",\"options\":{\"num_ctx\":1000000,\"num_predict\":2}")).getLast();

        assertThat(last.get("done").asBoolean()).isTrue();
    }

    @Test
    void generatePutsThePromptUnderTheChatTemplateAfterTheSystemMessage() throws Exception {
        JsonNode plain = Http.json(generate(",\"prompt\":\"Why is the sky blue?\",\"stream\":false,\"options\":{\"num_predict\":2}"));
        JsonNode withSystem = Http.json(generate(",\"prompt\":\"Why is the sky blue?\",\"system\":\"Be brief.\",\"stream\":false,"
                + "\"options\":{\"num_predict\":2}"));

        assertThat(plain.get("prompt_eval_count").asInt()).isEqualTo(chatPrompt("Why is the sky blue?").length);
        assertThat(withSystem.get("prompt_eval_count").asInt()).isEqualTo(server.engine().renderChat(
                List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", "Why is the sky blue?")), null, true).length);
        assertThat(plain.has("context")).isFalse();
    }

    @Test
    void generateRawSendsThePromptAsItIs() throws Exception {
        String prompt = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        JsonNode r = Http.json(generate(",\"prompt\":" + Http.quote(prompt) + ",\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":2}"));

        assertThat(r.get("prompt_eval_count").asInt()).isEqualTo(server.engine().tokenize(prompt, true).length + 1); // + BOS
    }

    @Test
    void generateStreamsResponseLines() throws Exception {
        List<JsonNode> lines = lines(generate(",\"prompt\":\"Once upon a time\",\"options\":{\"temperature\":0,\"num_predict\":12}"));
        JsonNode whole = Http.json(generate(",\"prompt\":\"Once upon a time\",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":12}"));

        assertThat(lines.getLast().get("done").asBoolean()).isTrue();
        assertThat(lines.getLast().get("response").asText()).isEmpty();
        assertThat(text(lines, "response")).isEqualTo(whole.get("response").asText());
    }

    @Test
    void noMessagesOrNoPromptIsTheLoadAnswer() throws Exception {
        JsonNode chat = Http.json(Http.post(server.uri("/api/chat"), "{\"model\":" + model() + ",\"messages\":[]}"));
        JsonNode generate = Http.json(generate(",\"keep_alive\":0"));

        assertThat(chat.get("done_reason").asText()).isEqualTo("load");
        assertThat(chat.get("done").asBoolean()).isTrue();
        assertThat(generate.get("done_reason").asText()).isEqualTo("load");
        assertThat(generate.get("response").asText()).isEmpty();
    }

    @Test
    void keepAliveIsAccepted() throws Exception {
        assertThat(chat(",\"keep_alive\":\"5m\",\"stream\":false,\"options\":{\"num_predict\":1}").statusCode()).isEqualTo(200);
        assertThat(chat(",\"keep_alive\":-1,\"stream\":false,\"options\":{\"num_predict\":1}").statusCode()).isEqualTo(200);
    }

    @Test
    void theSameConversationAtTemperatureZeroSaysTheSameThroughApiChatAndV1ChatCompletions() throws Exception {
        String messages = "[{\"role\":\"system\",\"content\":\"You are a llama.\"},{\"role\":\"user\",\"content\":\"Write a short story.\"}]";
        JsonNode ollama = Http.json(Http.post(server.uri("/api/chat"), "{\"model\":" + model() + ",\"messages\":" + messages
                + ",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":40}}"));
        JsonNode openAi = Http.json(Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + model() + ",\"messages\":"
                + messages + ",\"temperature\":0,\"max_tokens\":40}"));

        assertThat(ollama.get("message").get("content").asText())
                .isEqualTo(openAi.get("choices").get(0).get("message").get("content").asText());
        assertThat(ollama.get("prompt_eval_count").asInt()).isEqualTo(openAi.get("usage").get("prompt_tokens").asInt());
        assertThat(ollama.get("eval_count").asInt()).isEqualTo(openAi.get("usage").get("completion_tokens").asInt());
    }
}
