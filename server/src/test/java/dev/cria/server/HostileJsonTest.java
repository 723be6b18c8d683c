package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSON built to break a parser (nesting far past any real request, repeated keys, integers past
 * 64 bits) is the client's error: a 400 in the OpenAI envelope naming the field, never a 500.
 */
class HostileJsonTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static JsonNode error400(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        return e;
    }

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId()) + fields + "}");
    }

    @Test
    void aBodyNestedAMillionDeepIs400() throws Exception {
        error400(Http.post(server.uri("/v1/chat/completions"), "{\"messages\":" + "[".repeat(1_000_000)));
    }

    @Test
    void aBodyWithARepeatedKeyIs400() throws Exception {
        error400(chat(",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1,\"max_tokens\":2"));
    }

    @Test
    void toolCallArgumentsNested40000DeepAre400NamingThem() throws Exception {
        String arguments = "[".repeat(40_000) + "]".repeat(40_000);
        JsonNode e = error400(chat(",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":" + Http.quote(arguments) + "}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}]"));

        assertThat(e.get("param").asText()).isEqualTo("messages[1].tool_calls[0].function.arguments");
        assertThat(e.get("message").asText()).contains("nesting depth");
    }

    @Test
    void detokenizeOfAnIdPast2To64Is400NotAWrappedToken() throws Exception {
        // 18446744073709561522 = 2^64 + 9906; read as a long it wraps to 9906 ("Hello").
        JsonNode e = error400(Http.post(server.uri("/detokenize"), "{\"tokens\":[18446744073709561522]}"));

        assertThat(e.get("param").asText()).isEqualTo("tokens");
        assertThat(e.get("message").asText()).contains("18446744073709561522");
        error400(Http.post(server.uri("/detokenize"), "{\"tokens\":[9223372036854775808]}"));
        error400(Http.post(server.uri("/detokenize"), "{\"tokens\":[4294977202]}")); // 2^32 + 9906
    }

    @Test
    void aCompletionsPromptIdPast2To64Is400NotAWrappedToken() throws Exception {
        JsonNode e = error400(Http.post(server.uri("/v1/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"max_tokens\":1,\"prompt\":[18446744073709561522]}"));

        assertThat(e.get("param").asText()).isEqualTo("prompt");
        error400(Http.post(server.uri("/v1/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"max_tokens\":1,\"prompt\":[[9906],[9223372036854785714]]}"));
    }
}
