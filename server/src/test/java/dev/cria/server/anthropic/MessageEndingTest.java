package dev.cria.server.anthropic;

import dev.cria.chat.ToolCall;
import dev.cria.engine.FinishReason;
import dev.cria.server.ScriptedEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageEndingTest {
    /** An engine whose "model" always answered with two calls. */
    private static final ScriptedEngine TWO_CALLS = new ScriptedEngine(512, 4, Duration.ZERO) {
        @Override
        public List<ToolCall> parseToolCalls(String text) {
            return List.of(new ToolCall(null, "get_weather", Map.of("city", "Paris")),
                    new ToolCall(null, "get_time", Map.of("zone", "CET")));
        }
    };

    private static MessagesRequest request(boolean oneToolUse) {
        return new MessagesRequest("m", List.of(), new int[0], List.of(Map.of("type", "function")), List.of(), null, oneToolUse, null);
    }

    @Test
    void everyCallIsAToolUseBlock() {
        MessageEnding e = MessageEnding.of(TWO_CALLS, request(false), "{...}; {...}", FinishReason.STOP, null);

        assertThat(e.stopReason()).isEqualTo("tool_use");
        assertThat(e.toolUses()).extracting(MessageShapes.ToolUseBlock::name).containsExactly("get_weather", "get_time");
        assertThat(e.toolUses()).allMatch(u -> u.id().startsWith("toolu_"));
    }

    @Test
    void disableParallelToolUseKeepsOnlyTheFirstCall() {
        MessageEnding e = MessageEnding.of(TWO_CALLS, request(true), "{...}; {...}", FinishReason.STOP, null);

        assertThat(e.toolUses()).extracting(MessageShapes.ToolUseBlock::name).containsExactly("get_weather");
    }
}
