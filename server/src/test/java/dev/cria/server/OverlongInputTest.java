package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Input too long for the context is refused before it is tokenized, by a bound that never refuses
 * a prompt that fits; and tokenizing never stalls other requests (issue #17, defect 2).
 */
class OverlongInputTest {
    /** ScriptedEngine's longest token: "<|reserved_special_token_262|>" is 30 bytes and one token. */
    private static final String LONGEST_TOKEN = "<|reserved_special_token_262|>";

    private static String completion(int longestTokens, int maxTokens) {
        return "{\"model\":\"scripted-llama\",\"max_tokens\":" + maxTokens + ",\"prompt\":\"" + LONGEST_TOKEN.repeat(longestTokens) + "\"}";
    }

    @Test
    void aMessageThatCannotFitTheContextIsRefusedWithoutTokenizing() throws Exception {
        ScriptedEngine engine = ScriptedEngine.quick(); // 512 tokens of context, tokens of at most 30 bytes
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            String message = "x".repeat(512 * 30);

            HttpResponse<String> r = Http.post(s.uri("/v1/chat/completions"), "{\"model\":\"scripted-llama\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"" + message + "\"}]}");

            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode e = Http.json(r).get("error");
            assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
            assertThat(e.get("param").asText()).isEqualTo("messages");
            assertThat(engine.tokenizeCalls.get()).isZero();
        }
    }

    @Test
    void aPromptThatFillsTheContextExactlyIsAccepted() throws Exception {
        ScriptedEngine engine = ScriptedEngine.quick();
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            // BOS + 495 tokens of 30 bytes + 16 to generate = 512, the whole context; the bound counts 495 + 16.
            HttpResponse<String> r = Http.post(s.uri("/v1/completions"), completion(495, 16));

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Http.json(r).at("/usage/prompt_tokens").asInt()).isEqualTo(496);
        }
    }

    @Test
    void aPromptTheBoundCannotRuleOutIsTokenizedAndCheckedExactly() throws Exception {
        ScriptedEngine engine = ScriptedEngine.quick();
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            // 497 tokens + 16 = 513 > 512, but the bound sees 496 + 16 = 512: only tokenizing can tell.
            HttpResponse<String> r = Http.post(s.uri("/v1/completions"), completion(496, 16));

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Http.json(r).at("/error/code").asText()).isEqualTo("context_length_exceeded");
            assertThat(engine.tokenizeCalls.get()).isEqualTo(1);
        }
    }

    @Test
    void aPromptOneLongestTokenBeyondTheBoundIsRefusedWithoutTokenizing() throws Exception {
        ScriptedEngine engine = ScriptedEngine.quick();
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            HttpResponse<String> r = Http.post(s.uri("/v1/completions"), completion(497, 16));

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Http.json(r).at("/error/param").asText()).isEqualTo("max_tokens");
            assertThat(engine.tokenizeCalls.get()).isZero();
        }
    }

    @Test
    void healthAnswersPromptlyWhileLongInputsAreTokenized() throws Exception {
        // A context large enough that the bound lets the inputs through; each templating burns 2 s of CPU.
        ScriptedEngine engine = new ScriptedEngine(1 << 22, 64, Duration.ZERO);
        engine.tokenizeCpu(Duration.ofSeconds(2));
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            // As many as there are carrier threads (2 on a 2-core host): together they used to hold them all.
            int heavy = Math.max(2, Runtime.getRuntime().availableProcessors());
            String body = "{\"model\":\"scripted-llama\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "llama ".repeat(1 << 18) + "\"}]}"; // 1.5 MiB, under the 8 MiB body limit
            HttpClient client = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < heavy; i++) inFlight.add(client.sendAsync(post(s.uri("/v1/chat/completions"), body),
                    HttpResponse.BodyHandlers.ofString()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (engine.tokenizeCalls.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(200); // let every request reach its templating

            long start = System.nanoTime();
            HttpResponse<String> health = Http.get(s.uri("/health"));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(tookMs).as("GET /health while " + heavy + " inputs are templated").isLessThan(1000);
            for (CompletableFuture<HttpResponse<String>> f : inFlight) assertThat(f.get().statusCode()).isEqualTo(200);
        }
    }

    private static HttpRequest post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
    }
}
