package dev.cria.api;

import java.util.List;

/**
 * A whole answer.
 *
 * @param text         the answer's text; empty when the answer is tool calls
 * @param toolCalls    the tools the model called, in order; empty when it answered in text
 * @param finishReason why it ended ({@link FinishReason#TOOL_CALLS} when {@code toolCalls} is not empty)
 * @param usage        the tokens it took
 */
public record ChatResult(String text, List<ToolCall> toolCalls, FinishReason finishReason, Usage usage) {
    /** Checks the components and copies the lists (null means empty). */
    public ChatResult {
        toolCalls = List.copyOf(toolCalls);
    }

    /** Whether the answer is tool calls. */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
