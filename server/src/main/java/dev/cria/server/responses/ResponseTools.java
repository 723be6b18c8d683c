package dev.cria.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's {@code tools}, {@code tool_choice} and {@code text.format}. The Responses API's
 * function tools are flat ({@code {"type": "function", "name", "description", "parameters",
 * "strict"}}); they become the chat-completions shape the Llama template prints
 * ({@code {"type": "function", "function": {"name", "description", "parameters"}}}), so a
 * conversation renders to the same prompt through either API. Hosted tools (web_search,
 * file_search, code_interpreter, mcp…) run on OpenAI's side: a 400 naming the tool.
 *
 * <p>{@code tool_choice}: {@code auto} (the default) lets the model choose; {@code none} renders
 * without tools, so the model cannot call one. {@code required} and a named function oblige the
 * model to call, which only constrained decoding can guarantee (issue #19): a 400 naming
 * tool_choice, never a promise silently broken. {@code text.format}: {@code text} only;
 * {@code json_object} and {@code json_schema} need the same grammar and are a 400 naming text.format.
 *
 * @param template the tools to render (empty when none or tool_choice is none)
 * @param echoed   the tools as the response object repeats them
 * @param choice   tool_choice as the response object repeats it
 */
record ResponseTools(List<Object> template, List<Object> echoed, String choice) {

    static ResponseTools read(RequestFields f) {
        String choice = toolChoice(f);
        checkTextFormat(f);
        JsonNode v = f.get("tools");
        if (v == null) return new ResponseTools(List.of(), List.of(), choice);
        if (!v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> template = new ArrayList<>(v.size());
        List<Object> echoed = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String param = "tools[" + i + "]";
            JsonNode t = v.get(i);
            if (!t.isObject()) {
                throw ApiError.badRequest("Invalid type for '" + param + "': expected an object, but got "
                        + RequestFields.describe(t) + " instead.", param, "invalid_type");
            }
            RequestFields tf = new RequestFields((com.fasterxml.jackson.databind.node.ObjectNode) t, param + ".");
            String type = tf.requiredString("type");
            if (!type.equals("function")) {
                throw ApiError.badRequest("Invalid value: '" + type + "'. This server runs no hosted tools; supported "
                        + "values are: 'function'.", param + ".type", "invalid_value");
            }
            String name = tf.requiredString("name");
            String description = tf.string("description");
            JsonNode parameters = tf.get("parameters");
            if (parameters != null && !parameters.isObject()) throw tf.wrongType("parameters", "an object", parameters);
            Boolean strict = tf.bool("strict");
            Object schema = parameters == null ? Map.of("type", "object", "properties", Map.of()) : ApiJson.toPlain(parameters);

            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", name);
            if (description != null) function.put("description", description);
            function.put("parameters", schema);
            template.add(Map.of("type", "function", "function", function));

            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("type", "function");
            echo.put("name", name);
            echo.put("description", description);
            echo.put("parameters", schema);
            echo.put("strict", strict);
            echoed.add(echo);
        }
        return new ResponseTools(choice.equals("none") ? List.of() : template, echoed, choice);
    }

    private static String toolChoice(RequestFields f) {
        JsonNode c = f.get("tool_choice");
        if (c == null) return "auto";
        if (c.isTextual() && (c.textValue().equals("auto") || c.textValue().equals("none"))) return c.textValue();
        if (c.isTextual() && !c.textValue().equals("required")) {
            throw ApiError.badRequest("Invalid value: '" + c.textValue() + "'. Supported values are: 'none', 'auto', and "
                    + "'required'.", "tool_choice", "invalid_value");
        }
        if (!c.isTextual() && !c.isObject()) throw f.wrongType("tool_choice", "a string or an object", c);
        throw ApiError.badRequest("Invalid 'tool_choice': " + (c.isTextual() ? "'required'" : c.toString()) + " obliges "
                + "the model to call a tool, which needs constrained decoding that this server does not have yet; use "
                + "'auto' (the model may call a tool) or 'none'.", "tool_choice", "unsupported_value");
    }

    private static void checkTextFormat(RequestFields f) {
        JsonNode text = f.get("text");
        if (text == null) return;
        if (!text.isObject()) throw f.wrongType("text", "an object", text);
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) return;
        JsonNode type = format.isObject() ? format.get("type") : null;
        if (type == null || !type.isTextual()) {
            throw ApiError.badRequest("Missing required parameter: 'text.format.type'.", "text.format.type");
        }
        if (type.textValue().equals("text")) return;
        throw ApiError.badRequest("Invalid 'text.format': type '" + type.textValue() + "' needs structured output "
                + "(constrained decoding), which this server does not have yet; use {\"type\": \"text\"}.",
                "text.format", "unsupported_value");
    }
}
