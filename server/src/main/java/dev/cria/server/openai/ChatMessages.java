package dev.cria.server.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chat request {@code messages} and {@code tools} → the engine's chat types. Content is a string or
 * an array of text parts joined by plain concatenation (other part types are a 400: the model reads
 * text only). Roles: system, developer, user, assistant (optionally with tool_calls), tool, and
 * ipython (Llama's name for a tool result).
 */
public final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "ipython");
    private static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");

    private ChatMessages() {
    }

    public static List<ChatMessage> read(RequestFields f) {
        JsonNode v = f.get("messages");
        if (v == null) throw ApiError.badRequest("Missing required parameter: 'messages'.", "messages");
        if (!v.isArray()) throw f.wrongType("messages", "an array", v);
        if (v.isEmpty()) {
            throw ApiError.badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                    "messages", "empty_array");
        }
        List<ChatMessage> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(message(v.get(i), "messages[" + i + "]"));
        return out;
    }

    private static ChatMessage message(JsonNode m, String param) {
        if (!m.isObject()) {
            throw ApiError.badRequest("Invalid type for '" + param + "': expected an object, but got "
                    + RequestFields.describe(m) + " instead.", param, "invalid_type");
        }
        JsonNode roleNode = m.get("role");
        if (roleNode == null || roleNode.isNull()) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".role'.", param + ".role");
        }
        if (!roleNode.isTextual() || !ROLES.contains(roleNode.textValue())) {
            throw ApiError.badRequest("Invalid value: '" + roleNode.asText() + "'. Supported values are: 'system', 'developer', "
                    + "'user', 'assistant', and 'tool'.", param + ".role", "invalid_value");
        }
        String role = roleNode.textValue();
        optionalString(m, "name", param);
        // OpenAI's tool message: "tool_call_id  string  Required. Tool call that this message is responding to."
        String toolCallId = optionalString(m, "tool_call_id", param);
        if (role.equals("tool") && toolCallId == null) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".tool_call_id'.", param + ".tool_call_id");
        }
        List<ToolCall> calls = role.equals("assistant") ? toolCalls(m.get("tool_calls"), param + ".tool_calls") : List.of();
        String content = content(m.get("content"), param + ".content");
        if (content == null && calls.isEmpty()) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".content'.", param + ".content");
        }
        return new ChatMessage(role, content, calls);
    }

    /** A field of a message that must be a string when present; null when absent or null. */
    private static String optionalString(JsonNode m, String field, String param) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) {
            throw ApiError.badRequest("Invalid type for '" + param + "." + field + "': expected a string, but got "
                    + RequestFields.describe(v) + " instead.", param + "." + field, "invalid_type");
        }
        return v.textValue();
    }

    /** A string, or text parts concatenated; null when absent. */
    static String content(JsonNode c, String param) {
        if (c == null || c.isNull()) return null;
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) {
            throw ApiError.badRequest("Invalid type for '" + param + "': expected a string or an array of content parts, but got "
                    + RequestFields.describe(c) + " instead.", param, "invalid_type");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            String pp = param + "[" + i + "]";
            JsonNode type = part.isObject() ? part.get("type") : null;
            if (type == null || !type.isTextual()) {
                throw ApiError.badRequest("Invalid content part: '" + pp + ".type' is required.", pp + ".type");
            }
            if (!type.textValue().equals("text")) {
                throw ApiError.badRequest("Invalid content part type '" + type.textValue() + "' in '" + pp
                        + "': this model accepts only 'text' parts.", pp + ".type", "invalid_value");
            }
            JsonNode text = part.get("text");
            if (text == null || !text.isTextual()) {
                throw ApiError.badRequest("Invalid content part: '" + pp + ".text' must be a string.", pp + ".text");
            }
            sb.append(text.textValue());
        }
        return sb.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode v, String param) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) {
            throw ApiError.badRequest("Invalid type for '" + param + "': expected an array, but got "
                    + RequestFields.describe(v) + " instead.", param, "invalid_type");
        }
        List<ToolCall> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String pp = param + "[" + i + "]";
            JsonNode call = v.get(i);
            JsonNode fn = call.isObject() ? call.get("function") : null;
            if (fn == null || !fn.isObject() || fn.get("name") == null || !fn.get("name").isTextual()) {
                throw ApiError.badRequest("Invalid tool call: '" + pp + ".function.name' is required.", pp + ".function.name");
            }
            String id = optionalString(call, "id", pp);
            String type = optionalString(call, "type", pp);
            if (type != null && !type.equals("function")) {
                throw ApiError.badRequest("Invalid value: '" + type + "'. Supported values are: 'function'.", pp + ".type",
                        "invalid_value");
            }
            JsonNode args = fn.get("arguments");
            Object arguments;
            if (args == null || args.isNull()) {
                arguments = java.util.Map.of();
            } else if (args.isTextual()) {
                // OpenAI sends arguments as a JSON document in a string; keep the string when it is not JSON.
                arguments = parseOrKeep(args.textValue(), pp + ".function.arguments");
            } else if (args.isObject()) {
                arguments = ApiJson.toPlain(args); // vLLM and llama.cpp accept the object itself too
            } else {
                throw ApiError.badRequest("Invalid type for '" + pp + ".function.arguments': expected a string, but got "
                        + RequestFields.describe(args) + " instead.", pp + ".function.arguments", "invalid_type");
            }
            out.add(new ToolCall(id, fn.get("name").textValue(), arguments));
        }
        return out;
    }

    /**
     * The arguments string as a JSON value, or the string itself when it is not JSON (the template
     * then prints it as given). JSON beyond the API's limits (nested too deep, a number or string
     * too long) is the client's error, a 400, as it would be in the body itself.
     */
    private static Object parseOrKeep(String s, String param) {
        JsonNode node;
        try {
            node = ApiJson.MAPPER.readTree(s);
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StreamConstraintsException limit) {
                    throw ApiError.badRequest("Invalid '" + param + "': " + limit.getOriginalMessage(), param, "invalid_value");
                }
            }
            return s;
        }
        return node == null || node.isMissingNode() ? s : ApiJson.toPlain(node);
    }

    /**
     * The {@code tools} array as plain values, or an empty list; {@code tool_choice: "none"} turns tools off.
     * Both are validated whether or not they end up used.
     */
    public static List<Object> tools(RequestFields f) {
        JsonNode v = f.get("tools");
        JsonNode choice = f.get("tool_choice");
        if (choice != null) checkToolChoice(f, choice);
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode t = v.get(i);
            String param = "tools[" + i + "]";
            if (!t.isObject()) {
                throw ApiError.badRequest("Invalid type for '" + param + "': expected an object, but got "
                        + RequestFields.describe(t) + " instead.", param, "invalid_type");
            }
            String type = optionalString(t, "type", param);
            if (type != null && !type.equals("function")) {
                throw ApiError.badRequest("Invalid value: '" + type + "'. Supported values are: 'function'.", param + ".type",
                        "invalid_value");
            }
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject() || fn.get("name") == null || !fn.get("name").isTextual()) {
                throw ApiError.badRequest("Invalid tool: '" + param + ".function.name' is required.", param + ".function.name");
            }
            optionalString(fn, "description", param + ".function");
            JsonNode parameters = fn.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw ApiError.badRequest("Invalid type for '" + param + ".function.parameters': expected an object, but got "
                        + RequestFields.describe(parameters) + " instead.", param + ".function.parameters", "invalid_type");
            }
            out.add(ApiJson.toPlain(t));
        }
        if (choice != null && choice.isTextual() && choice.textValue().equals("none")) return List.of();
        return out;
    }

    /**
     * {@code tool_choice} as OpenAI defines it: "none", "auto", "required", or
     * {@code {"type": "function", "function": {"name": "..."}}}; anything else is a 400 naming it.
     */
    private static void checkToolChoice(RequestFields f, JsonNode choice) {
        String param = f.param("tool_choice");
        if (choice.isTextual()) {
            if (TOOL_CHOICE_MODES.contains(choice.textValue())) return;
            throw ApiError.badRequest("Invalid value: '" + choice.textValue() + "'. Supported values are: 'none', 'auto', "
                    + "and 'required'.", param, "invalid_value");
        }
        if (!choice.isObject()) {
            throw ApiError.badRequest("Invalid type for '" + param + "': expected one of a string or an object, but got "
                    + RequestFields.describe(choice) + " instead.", param, "invalid_type");
        }
        JsonNode type = choice.get("type");
        if (type == null || type.isNull()) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".type'.", param + ".type");
        }
        if (!type.isTextual() || !type.textValue().equals("function")) {
            throw ApiError.badRequest("Invalid value: '" + type.asText() + "'. Supported values are: 'function'.",
                    param + ".type", "invalid_value");
        }
        JsonNode fn = choice.get("function");
        if (fn == null || fn.isNull()) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".function'.", param + ".function");
        }
        if (!fn.isObject()) {
            throw ApiError.badRequest("Invalid type for '" + param + ".function': expected an object, but got "
                    + RequestFields.describe(fn) + " instead.", param + ".function", "invalid_type");
        }
        JsonNode name = fn.get("name");
        if (name == null || name.isNull()) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".function.name'.", param + ".function.name");
        }
        if (!name.isTextual()) {
            throw ApiError.badRequest("Invalid type for '" + param + ".function.name': expected a string, but got "
                    + RequestFields.describe(name) + " instead.", param + ".function.name", "invalid_type");
        }
    }
}
