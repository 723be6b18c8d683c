package dev.cria.server.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.sampling.SamplingParams;
import dev.cria.server.ScriptedEngine;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.serving.ServerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streaming API that is not OpenAI's goes through {@link GenerationDriver} unchanged: a fake
 * Ollama-like endpoint (one JSON object per line, {@code done: true} on a choice's last) on
 * {@link NdjsonFraming}.
 */
class NdjsonFramingTest {
    private final ScriptedEngine engine = ScriptedEngine.quick();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    @AfterEach
    void close() {
        engine.close();
    }

    /** Ollama's /api/generate lines, with the choice index added (Ollama has no n). */
    private static class OllamaLike implements GenerationFrames {
        @Override
        public void text(int choice, String text, TokenLogprob logprob, FrameSink out) throws IOException {
            if (!text.isEmpty()) out.send(Map.of("choice", choice, "response", text, "done", false));
        }

        @Override
        public void finish(int choice, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException {
            out.send(Map.of("choice", choice, "response", text, "done", true, "done_reason", reason.apiName,
                    "eval_count", usage.completionTokens()));
        }

        @Override
        public void end(FrameSink out) {
        }

        @Override
        public Object error(ApiError e) {
            return Map.of("error", e.getMessage());
        }
    }

    private GenerationRun run(int choices) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            requests.add(new GenerationRequest(new int[]{256, 'H', 'i' + i}, SamplingParams.greedy(), 6, List.of(), true, -1));
        }
        return GenerationRun.submit(engine, requests, new ServerState());
    }

    private List<JsonNode> lines() throws IOException {
        String text = body.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) out.add(ApiJson.MAPPER.readTree(line));
        return out;
    }

    @Test
    void framesAreJsonLinesAndEachChoiceEndsWithItsDoneLine() throws Exception {
        try (GenerationRun run = run(2)) {
            GenerationDriver.drive(run, new OllamaLike(), new NdjsonFraming(() -> body));
        }
        List<JsonNode> lines = lines();
        for (int choice = 0; choice < 2; choice++) {
            int c = choice;
            List<JsonNode> mine = lines.stream().filter(l -> l.get("choice").asInt() == c).toList();
            assertThat(mine).isNotEmpty();
            assertThat(mine.getLast().get("done").asBoolean()).isTrue();
            assertThat(mine.getLast().get("done_reason").asText()).isEqualTo("length");
            assertThat(mine.getLast().get("eval_count").asInt()).isEqualTo(6);
            assertThat(mine.subList(0, mine.size() - 1)).allSatisfy(l -> assertThat(l.get("done").asBoolean()).isFalse());
        }
    }

    @Test
    void anErrorAfterTheStreamBeganIsOneMoreLineAndCancelsTheRun() throws Exception {
        engine.tokenDelay(Duration.ofMillis(20));
        OllamaLike failing = new OllamaLike() {
            @Override
            public void text(int choice, String text, TokenLogprob logprob, FrameSink out) throws IOException {
                super.text(choice, text, logprob, out);
                throw ApiError.internal("broken on purpose");
            }
        };
        try (GenerationRun run = run(1)) {
            GenerationDriver.drive(run, failing, new NdjsonFraming(() -> body));
        }
        List<JsonNode> lines = lines();
        assertThat(lines.getLast().get("error").asText()).isEqualTo("broken on purpose");
        assertThat(lines.stream().filter(l -> l.has("done"))).allSatisfy(l -> assertThat(l.get("done").asBoolean()).isFalse());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (engine.cancelled.get() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(engine.cancelled.get()).isEqualTo(1);
    }
}
