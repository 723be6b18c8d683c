package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blocked answer made of obliged tool calls (the grammar enforces them on the tiny model), streamed
 * through the Responses and Anthropic APIs: the calls are held and judged like text, and whatever was
 * opened before the block is closed, so the event stream stays well formed.
 */
class GuardedObligedCallsTest {
    private static TestServers.Running tiny;
    private static CriaServer guarded;

    @BeforeAll
    static void start() {
        tiny = TestServers.start();
        ContentSafety safety = new ContentSafety(GuardPolicy.ALL, false, 4);
        // a call grows past 40 characters within its arguments: blocked there
        safety.ready(turns -> turns.getLast().agent() && turns.getLast().text().length() > 40
                ? FilterOutcome.of(List.of("S2"), GuardPolicy.ALL) : FilterOutcome.of(List.of(), GuardPolicy.ALL), null);
        guarded = CriaServer.start(tiny.engine(), ServerOptions.defaults(), safety);
    }

    @AfterAll
    static void stop() {
        guarded.stop();
        tiny.close();
    }

    private static List<JsonNode> events(String path, String body) throws Exception {
        String sse = Http.post(URI.create("http://127.0.0.1:" + guarded.port() + path), body).body();
        List<JsonNode> out = new ArrayList<>();
        for (String frame : Http.frames(sse)) {
            for (String line : frame.split("\n")) if (line.startsWith("data: ")) out.add(Http.json(line.substring(6)));
        }
        return out;
    }

    private static long count(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("type").asText().equals(type)).count();
    }

    @Test
    void aBlockedStreamOfObligedFunctionCallsEndsIncompleteWithEveryItemClosed() throws Exception {
        List<JsonNode> ev = events("/v1/responses", "{\"model\":" + Http.quote(tiny.modelId()) + ",\"input\":\"Weather in Paris?\","
                + "\"max_output_tokens\":200,\"stream\":true,\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\","
                + "\"name\":\"get_weather\",\"parameters\":" + ObligedToolCallsTest.WEATHER + "}]}");
        JsonNode last = ev.getLast();
        assertThat(last.get("type").asText()).isEqualTo("response.incomplete");
        assertThat(last.at("/response/incomplete_details/reason").asText()).isEqualTo("content_filter");
        assertThat(count(ev, "response.output_item.added")).isPositive(); // the call had begun when it was blocked
        assertThat(count(ev, "response.output_item.done")).isEqualTo(count(ev, "response.output_item.added"));
        for (JsonNode item : last.at("/response/output")) assertThat(item.get("status").asText()).isEqualTo("incomplete");
    }

    @Test
    void aBlockedStreamOfObligedToolUseEndsWithRefusalAndEveryBlockStopped() throws Exception {
        List<JsonNode> ev = events("/v1/messages", "{\"model\":" + Http.quote(tiny.modelId()) + ",\"max_tokens\":200,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"tool_choice\":{\"type\":\"any\"},"
                + "\"tools\":[{\"name\":\"get_weather\",\"input_schema\":" + ObligedToolCallsTest.WEATHER + "}]}");
        JsonNode delta = ev.stream().filter(e -> e.get("type").asText().equals("message_delta")).findFirst().orElseThrow();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("refusal");
        assertThat(count(ev, "content_block_start")).isPositive(); // the tool_use block had begun when it was blocked
        assertThat(count(ev, "content_block_stop")).isEqualTo(count(ev, "content_block_start"));
        assertThat(ev.getLast().get("type").asText()).isEqualTo("message_stop");
    }
}
