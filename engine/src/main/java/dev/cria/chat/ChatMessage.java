package dev.cria.chat;

import java.util.List;

/**
 * One message of a conversation as the chat template sees it.
 *
 * @param role       system, developer, user, assistant, tool or ipython
 * @param content    a String, or a JSON value (Map/List/Number/Boolean as {@link dev.cria.util.StrictJson} yields)
 *                   where the API allows one (tool results); null when absent
 * @param toolCalls  the assistant's tool calls, empty when none
 */
public record ChatMessage(String role, Object content, List<ToolCall> toolCalls) {
    public ChatMessage {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, List.of());
    }
}
