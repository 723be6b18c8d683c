package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request of many choices is admitted as one unit (docs/server.md: n is 1..128), never a 429
 * that no retry can pass; a request of more choices than a request may hold is a 400 with the limit.
 */
class ManyChoicesTest {
    private static TestServers.Running server;

    @BeforeAll
    static void start() {
        // --max-queue 64 as the default: 69 and more choices used to overflow it on an idle server.
        server = TestServers.scripted(new ScriptedEngine(512, 64, Duration.ZERO), ServerOptions.defaults());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void chatWithNOf128IsAnsweredOnAnIdleServer() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":\"scripted-llama\",\"n\":128,"
                + "\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.json(r).get("choices")).hasSize(128);
    }

    @Test
    void completionsWith100PromptsIsAnsweredOnAnIdleServer() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/completions"), "{\"model\":\"scripted-llama\",\"max_tokens\":2,"
                + "\"prompt\":" + prompts(100) + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.json(r).get("choices")).hasSize(100);
    }

    @Test
    void moreChoicesThanARequestMayHoldIs400WithTheLimit() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/completions"), "{\"model\":\"scripted-llama\",\"max_tokens\":2,"
                + "\"prompt\":" + prompts(10_000) + "}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        assertThat(e.get("message").asText()).contains("10000 prompts").contains("at most 128");
    }

    @Test
    void promptsTimesNBeyondTheLimitIs400() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/completions"), "{\"model\":\"scripted-llama\",\"max_tokens\":2,"
                + "\"n\":2,\"prompt\":" + prompts(65) + "}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).at("/error/message").asText()).contains("130 choices");
    }

    private static String prompts(int count) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) b.append(i == 0 ? "" : ",").append("\"say ").append(i).append('"');
        return b.append(']').toString();
    }
}
