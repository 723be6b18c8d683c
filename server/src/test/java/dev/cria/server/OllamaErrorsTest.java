package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama's errors: {@code {"error": "..."}} and nothing else, with the status of the failure, for
 * every route under /api (the key check and unknown paths included); and what cannot be honoured
 * (a {@code format} that is no JSON schema the engine can enforce, images, thinking, {@code template}, {@code context}, {@code suffix}, unknown
 * options) is refused, never ignored.
 */
class OllamaErrorsTest {
    @RegisterExtension
    static final ClassServer server = ClassServer.scripted();

    private static final String HELLO = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private static String error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode body = Http.json(r);
        assertThat(body.size()).as(r.body()).isEqualTo(1);
        assertThat(body.get("error").isTextual()).as(r.body()).isTrue();
        return body.get("error").asText();
    }

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId()) + HELLO + fields + "}");
    }

    private static HttpResponse<String> generate(String fields) throws Exception {
        return Http.post(server.uri("/api/generate"), "{\"model\":" + Http.quote(server.modelId()) + ",\"prompt\":\"hi\"" + fields + "}");
    }

    @Test
    void anUnknownModelIsOllamasNotFound() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/api/chat"), "{\"model\":\"llama3.2\"" + HELLO + "}");

        assertThat(error(r, 404)).isEqualTo("model 'llama3.2' not found");
        assertThat(error(Http.post(server.uri("/api/show"), "{\"model\":\"nope:7b\"}"), 404)).isEqualTo("model 'nope:7b' not found");
    }

    @Test
    void aServedNameIsAcceptedWithTheLatestTag() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId() + ":latest") + HELLO
                + ",\"stream\":false}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("model").asText()).isEqualTo(server.modelId() + ":latest");
    }

    @Test
    void aMissingModelIs400() throws Exception {
        assertThat(error(Http.post(server.uri("/api/generate"), "{\"prompt\":\"hi\"}"), 400)).contains("'model'");
    }

    @Test
    void aFormatThatIsNeitherJsonNorASchemaIsRefused() throws Exception {
        assertThat(error(chat(",\"format\":\"xml\""), 400)).startsWith("invalid format");
        assertThat(error(generate(",\"format\":[1]"), 400)).startsWith("invalid format");
    }

    @Test
    void aSchemaKeywordTheEngineCannotEnforceIsRefusedNamingIt() throws Exception {
        assertThat(error(generate(",\"format\":{\"type\":\"array\",\"uniqueItems\":true}"), 400))
                .contains("'format'").contains("uniqueItems");
    }

    @Test
    void imagesAreRefusedForATextOnlyModel() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"what is this?\",\"images\":[\"iVBORw0KGgo=\"]}]}");

        assertThat(error(r, 400)).contains("messages[0].images", "text only");
        assertThat(error(generate(",\"images\":[\"iVBORw0KGgo=\"]"), 400)).contains("text only");
    }

    @Test
    void thinkingIsRefusedByAModelThatDoesNotThink() throws Exception {
        assertThat(error(chat(",\"think\":true"), 400)).contains("does not support thinking");
        assertThat(chat(",\"think\":false,\"stream\":false").statusCode()).isEqualTo(200);
    }

    @Test
    void generateRefusesWhatDoesNotMapToTheModelsTemplate() throws Exception {
        assertThat(error(generate(",\"template\":\"{{ .Prompt }}\""), 400)).contains("'template' is not supported");
        assertThat(error(generate(",\"context\":[1,2,3]"), 400)).contains("'context' is not supported");
        assertThat(error(generate(",\"suffix\":\"return x\""), 400)).contains("does not support insert");
        assertThat(error(generate(",\"raw\":true,\"system\":\"Be brief.\""), 400)).contains("'system' cannot be used with raw");
    }

    @Test
    void unknownAndUnsupportedOptionsAreRefusedNamingThem() throws Exception {
        assertThat(error(chat(",\"options\":{\"temprature\":0.5}"), 400)).contains("options.temprature");
        assertThat(error(chat(",\"options\":{\"mirostat\":2}"), 400)).contains("options.mirostat");
        assertThat(error(chat(",\"options\":{\"repeat_last_n\":64}"), 400)).contains("options.repeat_last_n");
        assertThat(error(chat(",\"options\":{\"temperature\":\"hot\"}"), 400)).contains("options.temperature");
    }

    @Test
    void optionsThatOnlyChooseHowTheModelRunsAreAccepted() throws Exception {
        assertThat(chat(",\"stream\":false,\"options\":{\"num_gpu\":99,\"num_thread\":4,\"use_mmap\":true}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aToolCallOutsideAnAssistantMessageIsRefused() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]}");

        assertThat(error(r, 400)).contains("messages[0].tool_calls");
    }

    @Test
    void anUnknownPathUnderApiIsA404InOllamasShape() throws Exception {
        error(Http.get(server.uri("/api/pull")), 404);
    }

    @Test
    void malformedJsonIsA400InOllamasShape() throws Exception {
        error(Http.post(server.uri("/api/chat"), "{\"model\": "), 400);
    }

    @Test
    void theKeyCheckAnswersInOllamasShapeAndBearerIsAccepted() throws Exception {
        try (TestServers.Running keyed = TestServers.alongside(server.running(),
                ServerOptions.defaults().withApiKeys(List.of("sk-test")))) {
            assertThat(error(Http.get(keyed.uri("/api/tags")), 401)).contains("API key");
            assertThat(Http.get(keyed.uri("/api/tags"), "Authorization", "Bearer sk-test").statusCode()).isEqualTo(200);
            assertThat(Http.json(Http.get(keyed.uri("/v1/models"))).get("error").get("code").asText()).isEqualTo("invalid_api_key");
        }
    }
}
