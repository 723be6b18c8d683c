package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama's {@code format} on the tiny random-weight model, through the grammar: {@code "json"}
 * (JSON mode: "a valid JSON object") and a JSON schema (structured outputs), on /api/chat and
 * /api/generate, streamed or not — every answer parses, validates, and ends with
 * {@code done_reason: "stop"}.
 */
class OllamaFormatTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/api/chat"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Describe a city as JSON.\"}]" + fields + "}");
    }

    private static HttpResponse<String> generate(String fields) throws Exception {
        return Http.post(server.uri("/api/generate"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"prompt\":\"Describe a city as JSON.\"" + fields + "}");
    }

    private static String options(int seed, int numPredict) {
        return ",\"options\":{\"temperature\":1,\"seed\":" + seed + ",\"num_predict\":" + numPredict + "}";
    }

    @Test
    void jsonModeAnswersAJsonObject() throws Exception {
        JsonNode r = Http.json(chat(",\"format\":\"json\",\"stream\":false" + options(3, 200)));

        assertThat(r.get("done_reason").asText()).isEqualTo("stop");
        assertThat(Http.json(r.get("message").get("content").asText()).isObject()).isTrue();
    }

    @Test
    void aSchemaFormatAnswersJsonThatValidatesOnChat() throws Exception {
        for (int seed = 1; seed <= 3; seed++) {
            JsonNode r = Http.json(chat(",\"format\":" + StructuredOutputTest.CITY + ",\"stream\":false" + options(seed, 300)));

            assertThat(r.get("done_reason").asText()).isEqualTo("stop");
            assertThat(StructuredOutputTest.validate(StructuredOutputTest.CITY, r.get("message").get("content").asText())).isEmpty();
        }
    }

    @Test
    void aSchemaFormatAnswersJsonThatValidatesOnGenerate() throws Exception {
        JsonNode r = Http.json(generate(",\"format\":" + StructuredOutputTest.CITY + ",\"stream\":false" + options(5, 300)));

        assertThat(r.get("done_reason").asText()).isEqualTo("stop");
        assertThat(StructuredOutputTest.validate(StructuredOutputTest.CITY, r.get("response").asText())).isEmpty();
    }

    @Test
    void aValueNumPredictWouldCutIsClosedInsteadAndStillValidates() throws Exception {
        JsonNode r = Http.json(chat(",\"format\":" + StructuredOutputTest.CITY + ",\"stream\":false" + options(7, 60)));

        assertThat(r.get("done_reason").asText()).isEqualTo("stop");
        assertThat(StructuredOutputTest.validate(StructuredOutputTest.CITY, r.get("message").get("content").asText())).isEmpty();
        assertThat(r.get("eval_count").asInt()).isLessThanOrEqualTo(60);
    }

    @Test
    void streamedLinesMakeTheSameJsonAsTheWholeAnswer() throws Exception {
        String fields = ",\"format\":" + StructuredOutputTest.CITY + options(2, 300);
        String whole = Http.json(chat(fields + ",\"stream\":false")).get("message").get("content").asText();
        StringBuilder streamed = new StringBuilder();
        String doneReason = null;
        for (String line : chat(fields).body().split("\n")) {
            JsonNode l = Http.json(line);
            streamed.append(l.get("message").get("content").asText());
            if (l.get("done").asBoolean()) doneReason = l.get("done_reason").asText();
        }

        assertThat(streamed.toString()).isEqualTo(whole);
        assertThat(doneReason).isEqualTo("stop");
    }

    @Test
    void withToolsOfferedAFormattedAnswerIsContentNotACall() throws Exception {
        JsonNode r = Http.json(chat(",\"format\":\"json\",\"stream\":false,\"tools\":[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]"
                + options(1, 200)));

        assertThat(r.get("message").path("tool_calls").isEmpty()).isTrue();
        assertThat(Http.json(r.get("message").get("content").asText()).isObject()).isTrue();
    }
}
