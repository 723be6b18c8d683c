package dev.cria.server.anthropic;

import dev.cria.chat.ToolCall;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.server.anthropic.MessageShapes.ToolUseBlock;
import dev.cria.server.api.FunctionTools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a generation ended, in the Messages API's terms ({@code stop_reason}): {@code max_tokens}
 * when max_tokens cut it; {@code stop_sequence} (naming it) when one of the request's stop
 * sequences did; otherwise the model ended its turn, {@code tool_use} when tools were offered and
 * its whole text is tool calls, else {@code end_turn}. Streamed and whole answers end alike.
 *
 * @param toolUses the answer's tool_use blocks, replacing its text; empty for a text answer
 */
record MessageEnding(List<ToolUseBlock> toolUses, String stopReason, String stopSequence) {

    static MessageEnding of(Engine engine, MessagesRequest request, String text, FinishReason reason, String stopSequence) {
        if (reason == FinishReason.LENGTH) return new MessageEnding(List.of(), "max_tokens", null);
        if (stopSequence != null) return new MessageEnding(List.of(), "stop_sequence", stopSequence);
        List<ToolUseBlock> uses = toolUses(engine, request, text);
        return new MessageEnding(uses, uses.isEmpty() ? "end_turn" : "tool_use", null);
    }

    /**
     * The text as tool_use blocks, when tools were offered and it parses as calls whose arguments
     * are JSON objects (a tool_use {@code input} is always an object); else none, and it is text.
     * With {@code disable_parallel_tool_use}, only the first call.
     */
    private static List<ToolUseBlock> toolUses(Engine engine, MessagesRequest request, String text) {
        if (request.tools().isEmpty() || text.isBlank() || !FunctionTools.mayBeCall(text)) return List.of();
        List<ToolUseBlock> out = new ArrayList<>();
        for (ToolCall c : engine.parseToolCalls(text)) {
            Map<?, ?> input;
            if (c.arguments() == null) input = Map.of();
            else if (c.arguments() instanceof Map<?, ?> m) input = m;
            else return List.of();
            // The parser's ids are OpenAI's call_ form; a tool_use id is Anthropic's toolu_ form.
            out.add(ToolUseBlock.of(AnthropicIds.toolUse(), c.name(), input));
        }
        return request.oneToolUse() && out.size() > 1 ? List.of(out.getFirst()) : out;
    }
}
