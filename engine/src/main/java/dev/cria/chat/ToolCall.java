package dev.cria.chat;

/**
 * A tool call, either made by the assistant in a past turn (rendered by the template) or parsed
 * from model output.
 *
 * @param id        the call id (OpenAI {@code tool_calls[].id}); may be null
 * @param name      the function name
 * @param arguments the arguments as a JSON value (usually a Map, as {@link dev.cria.util.StrictJson} yields),
 *                  or a String when the client sent a string that is not JSON
 */
public record ToolCall(String id, String name, Object arguments) {
}
