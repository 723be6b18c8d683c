package dev.cria.api;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation. Conversations are lists of messages, oldest first; Cria keeps no
 * conversation state between calls (a repeated prefix is found in the engine's prefix cache instead,
 * so sending the whole history again each turn costs only the new tokens).
 *
 * @param role       who says it
 * @param text       the text; may be empty for an assistant message that only calls tools
 * @param toolCalls  an assistant message's tool calls; empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers (may be null)
 */
public record Message(Role role, String text, List<ToolCall> toolCalls, String toolCallId) {
    /** Checks the components and copies the lists (null means empty). */
    public Message {
        Objects.requireNonNull(role, "role");
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls");
        }
    }

    /** A system message: instructions for the conversation. */
    public static Message system(String text) {
        return new Message(Role.SYSTEM, text, List.of(), null);
    }

    /** A user message. */
    public static Message user(String text) {
        return new Message(Role.USER, text, List.of(), null);
    }

    /** An earlier answer of the model. */
    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, text, List.of(), null);
    }

    /** An earlier answer of the model that called tools. */
    public static Message assistant(List<ToolCall> toolCalls) {
        return new Message(Role.ASSISTANT, "", toolCalls, null);
    }

    /** What a tool returned for the call {@code callId} (JSON or plain text). */
    public static Message toolResult(String callId, String result) {
        return new Message(Role.TOOL, result, List.of(), callId);
    }
}
