package dev.cria.server.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's {@code input} → the engine's chat messages, which the chat template renders as it
 * renders a chat completion's (so one conversation is one prompt through either API):
 * <ul>
 *   <li>a string: one user message;</li>
 *   <li>a message item ({@code type} "message" or absent; role user, assistant, system or developer):
 *       content a string or {@code input_text}/{@code output_text} parts, joined as they are;</li>
 *   <li>{@code function_call} ({@code call_id}, {@code name}, {@code arguments} JSON text): an
 *       assistant message with that one tool call (Llama 3.2's template takes one call per turn);</li>
 *   <li>{@code function_call_output} ({@code call_id}, {@code output}): a tool message.</li>
 * </ul>
 * The model reads text only: image, file and audio parts are a 400, and so are items this server
 * never produces or cannot resolve ({@code reasoning}, {@code item_reference}, hosted tools' calls).
 * Errors name the field as OpenAI does ({@code input[1].content[0].type}).
 */
final class ResponseInput {
    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    private ResponseInput() {
    }

    static List<ChatMessage> read(RequestFields f) {
        JsonNode v = f.get("input");
        if (v == null) throw ApiError.badRequest("Missing required parameter: 'input'.", "input");
        if (v.isTextual()) return List.of(ChatMessage.of("user", v.textValue()));
        if (!v.isArray()) throw f.wrongType("input", "a string or an array of input items", v);
        if (v.isEmpty()) {
            throw ApiError.badRequest("Invalid 'input': empty array. Expected an array with minimum length 1, but got an "
                    + "empty array instead.", "input", "empty_array");
        }
        List<ChatMessage> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(item(v.get(i), "input[" + i + "]"));
        return out;
    }

    /**
     * The request's {@code input} as the items {@code GET /v1/responses/{id}/input_items} lists, in
     * OpenAI's item shapes: a message ({@code id}, {@code type} "message", {@code role}, {@code status},
     * {@code content} parts; a string content becomes one {@code input_text} part, or
     * {@code output_text} for the assistant), a {@code function_call} ({@code id}, {@code call_id},
     * {@code name}, {@code arguments}, {@code status}) or a {@code function_call_output} ({@code id},
     * {@code call_id}, {@code output}, {@code status}). An item keeps the {@code id} it was sent with;
     * one without gets a new one. Call after {@link #read}, which validated the input.
     */
    static List<Map<String, Object>> items(JsonNode input) {
        if (input.isTextual()) return List.of(message(ResponseIds.message(), "user", textParts("user", input)));
        List<Map<String, Object>> out = new ArrayList<>(input.size());
        for (JsonNode item : input) {
            String type = item.hasNonNull("type") ? item.get("type").textValue() : "message";
            String id = item.hasNonNull("id") && item.get("id").isTextual() ? item.get("id").textValue() : null;
            Map<String, Object> m = new LinkedHashMap<>();
            switch (type) {
                case "function_call" -> {
                    m.put("id", id != null ? id : ResponseIds.functionCall());
                    m.put("type", type);
                    m.put("call_id", item.get("call_id").textValue());
                    m.put("name", item.get("name").textValue());
                    m.put("arguments", item.get("arguments").textValue());
                    m.put("status", "completed");
                }
                case "function_call_output" -> {
                    m.put("id", id != null ? id : ResponseIds.functionCallOutput());
                    m.put("type", type);
                    m.put("call_id", item.get("call_id").textValue());
                    m.put("output", ApiJson.toPlain(item.get("output")));
                    m.put("status", "completed");
                }
                default -> {
                    String role = item.get("role").textValue();
                    m = message(id != null ? id : ResponseIds.message(), role, textParts(role, item.get("content")));
                }
            }
            out.add(m);
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> message(String id, String role, List<Object> content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", role);
        m.put("status", "completed");
        m.put("content", content);
        return m;
    }

    /** Content parts as sent (their type and text); a string as one part. */
    private static List<Object> textParts(String role, JsonNode content) {
        List<Object> parts = new ArrayList<>();
        if (content.isTextual()) {
            parts.add(part(role.equals("assistant") ? "output_text" : "input_text", content.textValue()));
        } else {
            for (JsonNode p : content) parts.add(part(p.get("type").textValue(), p.get("text").textValue()));
        }
        return parts;
    }

    private static Map<String, Object> part(String type, String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("text", text);
        if (type.equals("output_text")) m.put("annotations", List.of());
        return m;
    }

    private static ChatMessage item(JsonNode item, String param) {
        if (!item.isObject()) throw wrongType(param, "an object", item);
        String type = optionalString(item, "type", param);
        if (type == null || type.equals("message")) return message(item, param);
        return switch (type) {
            case "function_call" -> {
                String callId = requiredString(item, "call_id", param);
                String name = requiredString(item, "name", param);
                String arguments = requiredString(item, "arguments", param);
                yield new ChatMessage("assistant", null, List.of(new ToolCall(callId, name, parseOrKeep(arguments))));
            }
            case "function_call_output" -> {
                requiredString(item, "call_id", param);
                JsonNode output = item.get("output");
                if (output == null || output.isNull()) throw missing(param + ".output");
                yield ChatMessage.of("tool", text(output, param + ".output"));
            }
            default -> throw ApiError.badRequest("Invalid value: '" + type + "'. This server accepts input items of type "
                    + "'message', 'function_call' and 'function_call_output'.", param + ".type", "invalid_value");
        };
    }

    private static ChatMessage message(JsonNode item, String param) {
        String role = requiredString(item, "role", param);
        if (!ROLES.contains(role)) {
            throw ApiError.badRequest("Invalid value: '" + role + "'. Supported values are: 'user', 'assistant', 'system', "
                    + "and 'developer'.", param + ".role", "invalid_value");
        }
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) throw missing(param + ".content");
        return ChatMessage.of(role, text(content, param + ".content"));
    }

    /** A string, or text parts ({@code input_text}, {@code output_text}) concatenated. */
    private static String text(JsonNode content, String param) {
        if (content.isTextual()) return content.textValue();
        if (!content.isArray()) throw wrongType(param, "a string or an array of content parts", content);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            String pp = param + "[" + i + "]";
            JsonNode part = content.get(i);
            if (!part.isObject()) throw wrongType(pp, "an object", part);
            String type = requiredString(part, "type", pp);
            if (!type.equals("input_text") && !type.equals("output_text")) {
                throw ApiError.badRequest("Invalid content part type '" + type + "' in '" + pp + "': this model reads "
                        + "text only, so only 'input_text' and 'output_text' parts are accepted.", pp + ".type", "invalid_value");
            }
            sb.append(requiredString(part, "text", pp));
        }
        return sb.toString();
    }

    /** The arguments as a JSON value for the template, or the string itself when it is not JSON. */
    private static Object parseOrKeep(String s) {
        try {
            JsonNode node = ApiJson.MAPPER.readTree(s);
            return node == null || node.isMissingNode() ? s : ApiJson.toPlain(node);
        } catch (JsonProcessingException e) {
            return s;
        }
    }

    private static String requiredString(JsonNode node, String field, String param) {
        String s = optionalString(node, field, param);
        if (s == null) throw missing(param + "." + field);
        return s;
    }

    private static String optionalString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(param + "." + field, "a string", v);
        return v.textValue();
    }

    private static ApiError missing(String param) {
        return ApiError.badRequest("Missing required parameter: '" + param + "'.", param);
    }

    private static ApiError wrongType(String param, String expected, JsonNode got) {
        return ApiError.badRequest("Invalid type for '" + param + "': expected " + expected + ", but got "
                + RequestFields.describe(got) + " instead.", param, "invalid_type");
    }
}
