package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.usage.KeyIds;
import dev.cria.server.usage.KeyLimits;
import dev.cria.server.usage.Metering;
import dev.cria.server.usage.RateLimiter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-key limits through the server: requests and tokens per minute, 429 in each API's own error
 * envelope with {@code retry-after}, and OpenAI's {@code x-ratelimit-*} headers on every response
 * of a limited key. The limiter's clock is the test's, so "a minute later" takes no time.
 */
class KeyRateLimitsTest {
    private static final String LIMITED = "sk-limited-key-111";
    private static final String FREE = "sk-free-key-222";
    private static final byte[] SECRET = KeyIds.newSecret();
    private static final KeyIds IDS = new KeyIds(SECRET);
    private static TestServers.Running shared;
    private final AtomicLong clock = new AtomicLong();
    private TestServers.Running server;

    @BeforeAll
    static void load() {
        shared = TestServers.start();
    }

    @AfterAll
    static void unload() {
        shared.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private void serve(Long requestsPerMinute, Long tokensPerMinute) {
        KeyLimits limits = new KeyLimits(KeyLimits.Limit.NONE,
                Map.of(IDS.of(LIMITED), new KeyLimits.Limit(requestsPerMinute, tokensPerMinute)));
        Metering m = Metering.of(null, IDS, new RateLimiter(limits, clock::get), List.of());
        server = new TestServers.Running(shared.engine(), CriaServer.start(shared.engine(),
                ServerOptions.defaults().withApiKeys(List.of(LIMITED, FREE)).withHost("127.0.0.1"), m), false);
    }

    private HttpResponse<String> models(String key) throws Exception {
        return Http.get(server.uri("/v1/models"), "Authorization", "Bearer " + key);
    }

    private HttpResponse<String> chat(String key, int maxTokens) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":" + maxTokens + ",\"ignore_eos\":true}",
                "Authorization", "Bearer " + key);
    }

    private static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void remainingRequestsCountDownOnEveryResponse() throws Exception {
        serve(3L, null);

        for (int left = 2; left >= 0; left--) {
            HttpResponse<String> r = models(LIMITED);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("3");
            assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo(Integer.toString(left));
        }
    }

    @Test
    void theRequestAfterTheLimitIs429RateLimitExceededWithRetryAfter() throws Exception {
        serve(3L, null);
        for (int i = 0; i < 3; i++) models(LIMITED);

        HttpResponse<String> r = models(LIMITED);

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("type").asText()).isEqualTo("requests");
        assertThat(header(r, "retry-after")).isEqualTo("20"); // 3 a minute: the next one in 20 s
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("1m0s");
    }

    @Test
    void theBucketRefillsAtTheLimitsRate() throws Exception {
        serve(3L, null);
        for (int i = 0; i < 3; i++) models(LIMITED);
        assertThat(models(LIMITED).statusCode()).isEqualTo(429);

        clock.addAndGet(20_000_000_000L);

        HttpResponse<String> r = models(LIMITED);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("1m0s");
        clock.addAndGet(60_000_000_000L);
        assertThat(header(models(LIMITED), "x-ratelimit-remaining-requests")).isEqualTo("2"); // full again, less this one
    }

    @Test
    void tokensArePromptPlusMaxTokensUpFrontAndTheRealCountAfterwards() throws Exception {
        serve(null, 10_000L);

        HttpResponse<String> r = chat(LIMITED, 40);
        int prompt = Http.json(r).get("usage").get("prompt_tokens").asInt();
        int completion = Http.json(r).get("usage").get("completion_tokens").asInt();

        assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo("10000");
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo(Integer.toString(10_000 - prompt - 40));
        assertThat(header(models(LIMITED), "x-ratelimit-remaining-tokens")).isEqualTo(Integer.toString(10_000 - prompt - completion));
    }

    @Test
    void unusedReservedTokensGoBack() throws Exception {
        KeyLimits limits = new KeyLimits(KeyLimits.Limit.NONE, Map.of(IDS.of(LIMITED), new KeyLimits.Limit(null, 10_000L)));
        // The scripted engine tells the llama story, so a stop string ends the answer long before max_tokens.
        ScriptedEngine engine = ScriptedEngine.quick();
        server = new TestServers.Running(engine, CriaServer.start(engine, ServerOptions.defaults()
                .withApiKeys(List.of(LIMITED)).withHost("127.0.0.1"),
                Metering.of(null, IDS, new RateLimiter(limits, clock::get), List.of())), true);
        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":300,\"stop\":[\"walks\"]}",
                "Authorization", "Bearer " + LIMITED);
        JsonNode usage = Http.json(r).get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isLessThan(300);
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo(Integer.toString(10_000 - usage.get("prompt_tokens").asInt() - 300));

        assertThat(header(models(LIMITED), "x-ratelimit-remaining-tokens")).isEqualTo(
                Integer.toString(10_000 - usage.get("prompt_tokens").asInt() - usage.get("completion_tokens").asInt()));
    }

    @Test
    void aRequestWhoseTokensAreNotLeftIs429OfTypeTokensWithRetryAfter() throws Exception {
        serve(null, 200L);
        assertThat(chat(LIMITED, 120).statusCode()).isEqualTo(200);

        HttpResponse<String> r = chat(LIMITED, 120);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Http.json(r).get("error").get("type").asText()).isEqualTo("tokens");
        assertThat(header(r, "retry-after")).isNotNull();
    }

    @Test
    void aRequestLargerThanTheTokenLimitItselfIs429WithoutRetryAfter() throws Exception {
        serve(null, 50L);

        HttpResponse<String> r = chat(LIMITED, 100);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Http.json(r).get("error").get("message").asText()).contains("can never fit");
        assertThat(header(r, "retry-after")).isNull();
    }

    @Test
    void anthropicRoutesAnswerRateLimitErrorInTheirEnvelope() throws Exception {
        serve(1L, null);
        models(LIMITED);

        HttpResponse<String> r = Http.post(server.uri("/v1/messages"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", LIMITED);

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode body = Http.json(r);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.get("error").get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(header(r, "retry-after")).isEqualTo("60");
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
    }

    @Test
    void ollamaRoutesAnswerTheirErrorShape() throws Exception {
        serve(1L, null);
        models(LIMITED);

        HttpResponse<String> r = Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer " + LIMITED);

        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode body = Http.json(r);
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("error").asText()).contains("Rate limit reached");
        assertThat(header(r, "retry-after")).isEqualTo("60");
    }

    @Test
    void aStreamCarriesTheHeadersInItsHead() throws Exception {
        serve(10L, 10_000L);

        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4,\"stream\":true}",
                "Authorization", "Bearer " + LIMITED);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("9");
        assertThat(Long.parseLong(header(r, "x-ratelimit-remaining-tokens"))).isLessThan(10_000 - 4);
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }

    @Test
    void aKeyWithoutLimitsGetsNoRateLimitHeaders() throws Exception {
        serve(1L, 100L);

        HttpResponse<String> r = models(FREE);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.startsWith("x-ratelimit"));
    }

    @Test
    void errorsOfALimitedKeyCarryTheHeadersToo() throws Exception {
        serve(5L, 1000L);

        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":\"no-such-model\",\"messages\":[]}",
                "Authorization", "Bearer " + LIMITED);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("4");
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo("1000");
    }
}
