package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.guard.GuardTemplate;
import dev.cria.guard.GuardTurn;
import dev.cria.guard.LlamaGuard;
import dev.cria.loader.ModelLoader;
import dev.cria.server.safety.ContentFilter;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardFilter;
import dev.cria.server.safety.GuardPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Content filtering (issue #23): {@code content_filter_results} and {@code prompt_filter_results} in
 * Azure OpenAI's shape, a blocked prompt as Azure's 400, a blocked answer as
 * {@code finish_reason: "content_filter"}, streamed or not. A Guard model is a Llama 3.2 1B
 * fine-tune; no Guard weights exist here, so the end-to-end server runs the tiny random-weight
 * model as its Guard with a verdict grammar that forces {@code "unsafe\nS10"} through the real engine.
 */
class ContentFilterTest {
    private static final String PROVIDER_MODEL = "meta-llama/llama-3.2-1b-instruct";
    private static TestServers.Running plain;
    private static Engine guardEngine;

    @BeforeAll
    static void start() {
        plain = TestServers.start();
        guardEngine = ModelLoader.openEngine(TestServers.model(), new EngineOptions(1024, 0, 16, 2), plain.engine());
    }

    @AfterAll
    static void stop() {
        plain.close();
        guardEngine.close();
    }

    /** A server over the tiny model whose Guard (the same tiny model) is forced to answer {@code forced}. */
    private static CriaServer guarded(String forcedVerdict, GuardPolicy policy, boolean onV1) {
        ContentSafety safety = new ContentSafety(policy, onV1, ContentSafety.DEFAULT_INTERVAL);
        String grammar = "root ::= " + Http.quote(forcedVerdict);
        safety.ready(new GuardFilter(new LlamaGuard(guardEngine, GuardTemplate.builtIn(), List.of(), grammar), policy), null);
        return CriaServer.start(plain.engine(), ServerOptions.defaults(), safety);
    }

    private static String chat(String model, String extra) {
        return "{\"model\":" + Http.quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":6" + extra + "}";
    }

    private static java.net.URI uri(CriaServer s, String path) {
        return java.net.URI.create("http://127.0.0.1:" + s.port() + path);
    }

    @Test
    void withoutGuardV3ChoicesSayNothingWasFilteredAndNothingRan() throws Exception {
        JsonNode c = Http.json(Http.post(plain.uri("/v3/openai/chat/completions"), chat(PROVIDER_MODEL, "")));
        assertThat(c.at("/choices/0/content_filter_results").isObject()).isTrue();
        assertThat(c.at("/choices/0/content_filter_results").size()).isZero();
        assertThat(c.at("/prompt_filter_results/0/prompt_index").asInt()).isZero();
        assertThat(c.at("/prompt_filter_results/0/content_filter_results").size()).isZero();
    }

    @Test
    void withoutTheFlagV1AnswersCarryNoFilterFields() throws Exception {
        JsonNode c = Http.json(Http.post(plain.uri("/v1/chat/completions"), chat(plain.modelId(), "")));
        assertThat(c.at("/choices/0").has("content_filter_results")).isFalse();
        assertThat(c.has("prompt_filter_results")).isFalse();
    }

    @Test
    void withoutGuardEveryV3StreamChunkCarriesEmptyResults() throws Exception {
        String body = Http.post(plain.uri("/v3/openai/chat/completions"), chat(PROVIDER_MODEL, ",\"stream\":true")).body();
        List<JsonNode> chunks = Http.chunks(body);
        assertThat(chunks.getFirst().at("/prompt_filter_results/0/content_filter_results").isObject()).isTrue();
        for (JsonNode ch : chunks) assertThat(ch.at("/choices/0/content_filter_results").size()).isZero();
    }

    @Test
    void aPromptTheGuardFlagsIsAzuresContentFilterError() throws Exception {
        CriaServer s = guarded("\n\nunsafe\nS10", GuardPolicy.ALL, false);
        try {
            HttpResponse<String> r = Http.post(uri(s, "/v3/openai/chat/completions"), chat(PROVIDER_MODEL, ""));
            JsonNode e = Http.json(r).get("error");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(e.get("code").asText()).isEqualTo("content_filter");
            assertThat(e.get("param").asText()).isEqualTo("prompt");
            assertThat(e.get("type").isNull()).isTrue();
            assertThat(e.get("status").asInt()).isEqualTo(400);
            assertThat(e.at("/innererror/code").asText()).isEqualTo("ResponsibleAIPolicyViolation");
            assertThat(e.at("/innererror/content_filter_result/hate/filtered").asBoolean()).isTrue();
            assertThat(e.at("/innererror/content_filter_result/hate/severity").asText()).isEqualTo("high");
            assertThat(e.at("/innererror/content_filter_result/violence/filtered").asBoolean()).isFalse();
            assertThat(e.at("/innererror/content_filter_result/violence/severity").asText()).isEqualTo("safe");
        } finally {
            s.stop();
        }
    }

    @Test
    void aPromptBlockedOnV1IsRefusedToo() throws Exception {
        CriaServer s = guarded("unsafe\nS10", GuardPolicy.ALL, false);
        try {
            HttpResponse<String> r = Http.post(uri(s, "/v1/chat/completions"), chat(plain.modelId(), ""));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Http.json(r).at("/error/code").asText()).isEqualTo("content_filter");
        } finally {
            s.stop();
        }
    }

    @Test
    void aCategoryOutsideThePolicyIsReportedButNotFiltered() throws Exception {
        CriaServer s = guarded("unsafe\nS10", GuardPolicy.parse("S1,S9"), false);
        try {
            JsonNode c = Http.json(Http.post(uri(s, "/v3/openai/chat/completions"), chat(PROVIDER_MODEL, "")));
            assertThat(c.at("/prompt_filter_results/0/content_filter_results/hate/severity").asText()).isEqualTo("high");
            assertThat(c.at("/prompt_filter_results/0/content_filter_results/hate/filtered").asBoolean()).isFalse();
            assertThat(c.at("/choices/0/content_filter_results/hate/severity").asText()).isEqualTo("high");
            assertThat(c.at("/choices/0/finish_reason").asText()).isNotEqualTo("content_filter");
            assertThat(c.at("/choices/0/content_filter_results/llama_guard/categories/0").asText()).isEqualTo("S10");
        } finally {
            s.stop();
        }
    }

    @Test
    void jailbreakAndProfanityAreAbsentBecauseNoDetectorRan() throws Exception {
        CriaServer s = guarded("safe", GuardPolicy.ALL, false);
        try {
            JsonNode c = Http.json(Http.post(uri(s, "/v3/openai/chat/completions"), chat(PROVIDER_MODEL, "")));
            JsonNode results = c.at("/choices/0/content_filter_results");
            assertThat(results.at("/sexual/filtered").asBoolean()).isFalse();
            assertThat(results.at("/sexual/severity").asText()).isEqualTo("safe");
            assertThat(results.has("jailbreak")).isFalse();
            assertThat(results.has("profanity")).isFalse();
            assertThat(c.at("/prompt_filter_results/0/content_filter_results").has("jailbreak")).isFalse();
        } finally {
            s.stop();
        }
    }

    @Test
    void v1CarriesTheResultsWithTheFlag() throws Exception {
        CriaServer s = guarded("safe", GuardPolicy.ALL, true);
        try {
            JsonNode c = Http.json(Http.post(uri(s, "/v1/chat/completions"), chat(plain.modelId(), "")));
            assertThat(c.at("/choices/0/content_filter_results/hate/filtered").asBoolean()).isFalse();
            assertThat(c.at("/prompt_filter_results/0/content_filter_results/violence/severity").asText()).isEqualTo("safe");
        } finally {
            s.stop();
        }
    }

    @Test
    void anUnreadableVerdictIsAzuresFilterErrorAndTheAnswerPasses() throws Exception {
        CriaServer s = guarded("I cannot judge", GuardPolicy.ALL, false);
        try {
            JsonNode c = Http.json(Http.post(uri(s, "/v3/openai/chat/completions"), chat(PROVIDER_MODEL, "")));
            assertThat(c.at("/choices/0/content_filter_results/error/code").asText()).isEqualTo("content_filter_error");
            assertThat(c.at("/choices/0/content_filter_results/error/message").asText()).isEqualTo("The contents are not filtered");
            assertThat(c.at("/choices/0/message/content").isTextual()).isTrue();
        } finally {
            s.stop();
        }
    }

    @Test
    void aStreamThroughTheGuardModelCarriesItsVerdictOnEveryTextChunk() throws Exception {
        CriaServer s = guarded("unsafe\nS10", GuardPolicy.parse("S1"), false);
        try {
            String body = Http.post(uri(s, "/v3/openai/chat/completions"),
                    chat(PROVIDER_MODEL, ",\"stream\":true,\"ignore_eos\":true")).body();
            List<JsonNode> chunks = Http.chunks(body);
            assertThat(chunks.getFirst().at("/prompt_filter_results/0/content_filter_results/hate/severity").asText()).isEqualTo("high");
            for (JsonNode ch : chunks.subList(1, chunks.size())) {
                assertThat(ch.at("/choices/0/content_filter_results/hate/severity").asText()).isEqualTo("high");
                assertThat(ch.at("/choices/0/content_filter_results/hate/filtered").asBoolean()).isFalse();
            }
            assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        } finally {
            s.stop();
        }
    }

    @Test
    void withoutGuardV3TextCompletionsSayNothingRanToo() throws Exception {
        JsonNode c = Http.json(Http.post(plain.uri("/v3/openai/completions"),
                "{\"model\":\"" + PROVIDER_MODEL + "\",\"prompt\":[\"a\",\"b\"],\"max_tokens\":3}"));
        assertThat(c.at("/choices/1/content_filter_results").size()).isZero();
        assertThat(c.at("/prompt_filter_results/1/prompt_index").asInt()).isEqualTo(1);
        assertThat(c.at("/prompt_filter_results/1/content_filter_results").size()).isZero();
    }

    @Test
    void aStreamedV3TextCompletionOpensWithThePromptResultsInAChunkWithoutChoices() throws Exception {
        String body = Http.post(plain.uri("/v3/openai/completions"),
                "{\"model\":\"" + PROVIDER_MODEL + "\",\"prompt\":\"a\",\"max_tokens\":3,\"stream\":true}").body();
        List<JsonNode> chunks = Http.chunks(body);
        assertThat(chunks.getFirst().get("choices").size()).isZero();
        assertThat(chunks.getFirst().at("/prompt_filter_results/0/prompt_index").asInt()).isZero();
        for (JsonNode ch : chunks.subList(1, chunks.size())) assertThat(ch.at("/choices/0/content_filter_results").isObject()).isTrue();
    }

    @Test
    void aTextCompletionPromptTheGuardFlagsIsRefused() throws Exception {
        CriaServer s = guarded("unsafe\nS1", GuardPolicy.ALL, false);
        try {
            HttpResponse<String> r = Http.post(uri(s, "/v3/openai/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"prompt\":\"a\",\"max_tokens\":3}");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Http.json(r).at("/error/innererror/content_filter_result/violence/filtered").asBoolean()).isTrue();
        } finally {
            s.stop();
        }
    }

    @Test
    void aStreamedTextCompletionIsCheckedAndStopsWithContentFilter() throws Exception {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        safety.ready(longAnswersAreViolent(10), null);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.start(engine, ServerOptions.defaults(), safety);
        try {
            String body = Http.post(uri(server, "/v3/openai/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"prompt\":\"go\",\"max_tokens\":40,\"stream\":true}").body();
            List<JsonNode> chunks = Http.chunks(body);
            StringBuilder sent = new StringBuilder();
            for (JsonNode ch : chunks) sent.append(ch.at("/choices/0/text").asText(""));
            assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
            assertThat(chunks.getLast().at("/choices/0/content_filter_results/violence/filtered").asBoolean()).isTrue();
            assertThat(sent.length()).isLessThanOrEqualTo(10);
        } finally {
            server.stop();
            engine.close();
        }
    }

    /** A filter that flags an answer (never a prompt) as violent once it is longer than {@code chars}. */
    private static ContentFilter longAnswersAreViolent(int chars) {
        return turns -> turns.getLast().agent() && turns.getLast().text().length() > chars
                ? FilterOutcome.of(List.of("S1"), GuardPolicy.ALL)
                : FilterOutcome.of(List.of(), GuardPolicy.ALL);
    }

    @Test
    void aBlockedAnswerEndsWithContentFilterAndNoText() throws Exception {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        safety.ready(longAnswersAreViolent(10), null);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.start(engine, ServerOptions.defaults(), safety);
        try {
            JsonNode c = Http.json(Http.post(uri(server, "/v3/openai/chat/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":40}"));
            assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
            assertThat(c.at("/choices/0/message/content").isNull()).isTrue();
            assertThat(c.at("/choices/0/content_filter_results/violence/filtered").asBoolean()).isTrue();
        } finally {
            server.stop();
            engine.close();
        }
    }

    @Test
    void aStreamIsCheckedEveryIntervalAndStopsWithContentFilter() throws Exception {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        safety.ready(longAnswersAreViolent(10), null);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.start(engine, ServerOptions.defaults(), safety);
        try {
            String body = Http.post(uri(server, "/v3/openai/chat/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":40,\"stream\":true}").body();
            List<JsonNode> chunks = Http.chunks(body);
            StringBuilder sent = new StringBuilder();
            for (JsonNode ch : chunks) {
                JsonNode content = ch.at("/choices/0/delta/content");
                if (content.isTextual() && !content.asText().isEmpty()) {
                    sent.append(content.asText());
                    // text is sent only after a check passed it, with that check's results
                    assertThat(ch.at("/choices/0/content_filter_results/violence/filtered").asBoolean()).isFalse();
                }
            }
            JsonNode last = chunks.getLast();
            assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
            assertThat(last.at("/choices/0/content_filter_results/violence/filtered").asBoolean()).isTrue();
            assertThat(sent.length()).isLessThanOrEqualTo(10).isPositive();
            assertThat(body).endsWith("data: [DONE]\n\n");
        } finally {
            server.stop();
            engine.close();
        }
    }

    @Test
    void eachStreamedChoiceIsJudgedOnItsOwn() throws Exception {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        // every answer grows past 10 characters, so each choice is stopped at its own check
        safety.ready(turns -> turns.getLast().agent() && turns.getLast().text().length() > 10
                ? FilterOutcome.of(List.of("S9"), GuardPolicy.ALL) : FilterOutcome.of(List.of(), GuardPolicy.ALL), null);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.start(engine, ServerOptions.defaults(), safety);
        try {
            String body = Http.post(uri(server, "/v3/openai/chat/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
                            + "\"max_tokens\":40,\"n\":3,\"temperature\":1,\"seed\":7,\"stream\":true}").body();
            List<JsonNode> chunks = Http.chunks(body);
            for (int i = 0; i < 3; i++) {
                int index = i;
                List<JsonNode> ends = chunks.stream()
                        .filter(ch -> ch.at("/choices/0/index").asInt() == index && !ch.at("/choices/0/finish_reason").isNull()).toList();
                assertThat(ends).hasSize(1);
                assertThat(ends.getFirst().at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
                assertThat(ends.getFirst().at("/choices/0/content_filter_results/violence/filtered").asBoolean()).isTrue();
            }
            assertThat(body).endsWith("data: [DONE]\n\n");
        } finally {
            server.stop();
            engine.close();
        }
    }

    @Test
    void aBlockedStreamStopsItsGeneration() throws Exception {
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        safety.ready(longAnswersAreViolent(10), null);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.start(engine, ServerOptions.defaults(), safety);
        try {
            engine.tokenDelay(java.time.Duration.ofMillis(5));
            Http.post(uri(server, "/v3/openai/chat/completions"),
                    "{\"model\":\"" + PROVIDER_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":200,\"ignore_eos\":true,\"stream\":true}");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (engine.cancelled.get() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(engine.cancelled.get()).isEqualTo(1);
        } finally {
            server.stop();
            engine.close();
        }
    }
}
