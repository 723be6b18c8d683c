package dev.cria.server.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/chat}'s {@code messages} → the engine's chat types. Ollama's message: {@code role}
 * (system, user, assistant or tool), {@code content} (a string), {@code images} (refused: text
 * only), {@code tool_calls} on an assistant message with {@code function.arguments} as an object,
 * {@code tool_name} on a tool result and {@code thinking} (both accepted; the Llama 3.2 template
 * renders neither).
 */
final class OllamaMessages {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private OllamaMessages() {
    }

    /** The conversation; empty when {@code messages} is absent or [] (Ollama then only loads the model). */
    static List<ChatMessage> read(RequestFields f) {
        JsonNode v = f.get("messages");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("messages", "an array", v);
        List<ChatMessage> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(message(v.get(i), f.param("messages[" + i + "]")));
        return out;
    }

    private static ChatMessage message(JsonNode node, String param) {
        if (!(node instanceof ObjectNode m)) {
            throw ApiError.badRequest("Invalid type for '" + param + "': expected an object, but got "
                    + RequestFields.describe(node) + " instead.", param, "invalid_type");
        }
        RequestFields f = new RequestFields(m, param + ".");
        String role = f.requiredString("role");
        if (!ROLES.contains(role)) {
            throw ApiError.badRequest("Invalid value: '" + role + "'. Supported values are: 'system', 'user', 'assistant', "
                    + "and 'tool'.", f.param("role"), "invalid_value");
        }
        String content = f.string("content");
        f.string("tool_name");
        f.string("thinking");
        OllamaRequest.refuseImages(f.get("images"), f.param("images"));
        List<ToolCall> calls = toolCalls(f);
        if (!calls.isEmpty() && !role.equals("assistant")) {
            throw ApiError.badRequest("'" + f.param("tool_calls") + "' is allowed only on assistant messages.",
                    f.param("tool_calls"), "invalid_value");
        }
        if (content == null || (content.isEmpty() && !calls.isEmpty())) content = calls.isEmpty() ? "" : null;
        return new ChatMessage(role, content, calls);
    }

    /** {@code tool_calls: [{"function": {"name": "...", "arguments": {...}}}]}; {@code id} and {@code function.index} may come too. */
    private static List<ToolCall> toolCalls(RequestFields f) {
        JsonNode v = f.get("tool_calls");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("tool_calls", "an array", v);
        List<ToolCall> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String param = f.param("tool_calls[" + i + "]");
            JsonNode fn = v.get(i).get("function");
            if (!(fn instanceof ObjectNode function) || fn.get("name") == null || !fn.get("name").isTextual()) {
                throw ApiError.badRequest("Invalid tool call: '" + param + ".function.name' is required.", param + ".function.name");
            }
            String id = v.get(i) instanceof ObjectNode call ? new RequestFields(call, param + ".").string("id") : null;
            RequestFields fields = new RequestFields(function, param + ".function.");
            JsonNode args = fields.get("arguments");
            if (args != null && !args.isObject()) throw fields.wrongType("arguments", "an object", args);
            Object arguments = args == null ? Map.of() : ApiJson.toPlain(args);
            out.add(new ToolCall(id, function.get("name").textValue(), arguments));
        }
        return out;
    }
}
