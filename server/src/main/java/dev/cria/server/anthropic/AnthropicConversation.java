package dev.cria.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Messages request's {@code system} and {@code messages} → the engine's chat messages, which the
 * model's chat template renders as it renders a chat completion's. Errors name the field the way
 * Anthropic's do ({@code messages.1.content.0.type}).
 *
 * <ul>
 *   <li>{@code system}: a string or text blocks → the system message; so is a turn with role
 *       {@code system} among the messages.</li>
 *   <li>A user turn: its {@code tool_result} blocks → tool messages (the template's ipython turns),
 *       in order, then its text blocks → one user message.</li>
 *   <li>An assistant turn: its text and its {@code tool_use} blocks → one assistant message with
 *       tool calls. {@code thinking} blocks of earlier turns are dropped, as Anthropic drops them from
 *       the context.</li>
 *   <li>Text blocks are joined as they are (as chat completions join text parts), so a conversation
 *       renders to the same prompt through either API.</li>
 * </ul>
 * The model reads text only: image, document and other block types are a 400. A last assistant
 * turn (a prefill that the answer continues) is a 400 too: the template can only open a new turn.
 */
final class AnthropicConversation {
    private AnthropicConversation() {
    }

    static List<ChatMessage> read(RequestFields f) {
        List<ChatMessage> out = new ArrayList<>();
        JsonNode top = f.get("system");
        String system = top == null ? null : system(top, "system");
        if (system != null) out.add(ChatMessage.of("system", system));
        JsonNode messages = f.get("messages");
        if (messages == null) throw ApiError.badRequest("messages: Field required", "messages");
        if (!messages.isArray()) throw f.wrongType("messages", "an array", messages);
        if (messages.isEmpty()) throw ApiError.badRequest("messages: at least one message is required", "messages");
        for (int i = 0; i < messages.size(); i++) {
            String param = "messages." + i;
            JsonNode m = messages.get(i);
            if (!m.isObject()) throw invalid(param, "expected an object, but got " + RequestFields.describe(m));
            String role = text(m, "role", param);
            switch (role) {
                case "user" -> user(m.get("content"), param + ".content", out);
                case "assistant" -> {
                    if (i == messages.size() - 1) {
                        throw invalid(param, "a last assistant turn (a prefill for the answer to continue) is not "
                                + "supported by this server; end the conversation with a user turn");
                    }
                    out.add(assistant(m.get("content"), param + ".content"));
                }
                case "system" -> out.add(ChatMessage.of("system", system(m.get("content"), param + ".content")));
                default -> throw invalid(param + ".role", "expected 'user', 'assistant' or 'system', but got '" + role + "'");
            }
        }
        return out;
    }

    /** A system prompt: a string or an array of text blocks. */
    private static String system(JsonNode v, String param) {
        if (v != null && v.isTextual()) return v.textValue();
        JsonNode blocks = blocks(v, param);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            String bp = param + "." + i;
            JsonNode block = block(blocks.get(i), bp);
            if (!type(block, bp).equals("text")) throw unsupportedBlock(block, bp, "'text'");
            sb.append(text(block, "text", bp));
        }
        return sb.toString();
    }

    private static void user(JsonNode content, String param, List<ChatMessage> out) {
        if (content != null && content.isTextual()) {
            out.add(ChatMessage.of("user", content.textValue()));
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        JsonNode blocks = blocks(content, param);
        for (int i = 0; i < blocks.size(); i++) {
            String bp = param + "." + i;
            JsonNode block = block(blocks.get(i), bp);
            switch (type(block, bp)) {
                case "text" -> {
                    text.append(text(block, "text", bp));
                    hasText = true;
                }
                case "tool_result" -> out.add(toolResult(block, bp));
                default -> throw unsupportedBlock(block, bp, "'text' and 'tool_result'");
            }
        }
        if (hasText || content.isEmpty()) out.add(ChatMessage.of("user", text.toString()));
    }

    /** A tool_result block: {@code tool_use_id} required; {@code content} a string or text blocks, absent = "". */
    private static ChatMessage toolResult(JsonNode block, String param) {
        text(block, "tool_use_id", param);
        JsonNode isError = block.get("is_error");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) {
            throw invalid(param + ".is_error", "expected a boolean, but got " + RequestFields.describe(isError));
        }
        JsonNode content = block.get("content");
        String result;
        if (content == null || content.isNull()) {
            result = "";
        } else if (content.isTextual()) {
            result = content.textValue();
        } else {
            StringBuilder sb = new StringBuilder();
            JsonNode parts = blocks(content, param + ".content");
            for (int i = 0; i < parts.size(); i++) {
                String bp = param + ".content." + i;
                JsonNode part = block(parts.get(i), bp);
                if (!type(part, bp).equals("text")) throw unsupportedBlock(part, bp, "'text'");
                sb.append(text(part, "text", bp));
            }
            result = sb.toString();
        }
        return new ChatMessage("tool", result, List.of());
    }

    private static ChatMessage assistant(JsonNode content, String param) {
        if (content != null && content.isTextual()) return ChatMessage.of("assistant", content.textValue());
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        JsonNode blocks = blocks(content, param);
        for (int i = 0; i < blocks.size(); i++) {
            String bp = param + "." + i;
            JsonNode block = block(blocks.get(i), bp);
            switch (type(block, bp)) {
                case "text" -> text.append(text(block, "text", bp));
                case "tool_use" -> calls.add(toolUse(block, bp));
                case "thinking", "redacted_thinking" -> {
                    // Anthropic strips earlier turns' thinking from the context; this model never thinks anyway.
                }
                default -> throw unsupportedBlock(block, bp, "'text', 'tool_use' and 'thinking'");
            }
        }
        return new ChatMessage("assistant", calls.isEmpty() || !text.isEmpty() ? text.toString() : null, calls);
    }

    private static ToolCall toolUse(JsonNode block, String param) {
        String id = text(block, "id", param);
        String name = text(block, "name", param);
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) {
            throw invalid(param + ".input", "expected an object, but got " + RequestFields.describe(input));
        }
        return new ToolCall(id, name, (Map<?, ?>) ApiJson.toPlain(input));
    }

    private static JsonNode blocks(JsonNode content, String param) {
        if (content == null || content.isNull()) throw invalid(param, "Field required");
        if (!content.isArray()) {
            throw invalid(param, "expected a string or an array of content blocks, but got " + RequestFields.describe(content));
        }
        return content;
    }

    private static JsonNode block(JsonNode v, String param) {
        if (!v.isObject()) throw invalid(param, "expected a content block object, but got " + RequestFields.describe(v));
        return v;
    }

    private static String type(JsonNode block, String param) {
        return text(block, "type", param);
    }

    /** A required string field of an object. */
    private static String text(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw invalid(param + "." + field, "Field required");
        if (!v.isTextual()) throw invalid(param + "." + field, "expected a string, but got " + RequestFields.describe(v));
        return v.textValue();
    }

    private static ApiError unsupportedBlock(JsonNode block, String param, String supported) {
        return invalid(param + ".type", "content blocks of type '" + block.get("type").textValue()
                + "' are not supported here: this model reads text, and this turn takes " + supported + " blocks");
    }

    static ApiError invalid(String param, String message) {
        return ApiError.badRequest(param + ": " + message, param);
    }
}
