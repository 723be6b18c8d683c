package dev.cria.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Messages request's {@code tools} and {@code tool_choice}. Anthropic's client tools
 * ({@code {name, description, input_schema}}) become the function-tool JSON that the Llama template
 * prints ({@code {"type": "function", "function": {"name", "description", "parameters"}}}), the
 * shape a chat completion's tools already have, so both APIs render the same prompt.
 *
 * <p>{@code tool_choice}: {@code auto} (the default) lets the model choose; {@code none} renders
 * the conversation without tools, so the model cannot call one. {@code any} and
 * {@code {"type": "tool", "name"}} oblige the model to call a tool, which only constrained
 * decoding can guarantee, and this server has none yet: they are a 400 naming tool_choice rather
 * than a promise silently broken. Server tools (web search, code execution…) run on Anthropic's
 * side and are a 400 too.
 */
final class AnthropicTools {
    private AnthropicTools() {
    }

    /** The tools to render, as function tools; empty when none were given or tool_choice is none. */
    static List<Object> read(RequestFields f) {
        boolean none = toolChoiceIsNone(f.get("tool_choice"));
        JsonNode v = f.get("tools");
        if (v == null) return List.of();
        if (!v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) out.add(tool(v.get(i), "tools." + i));
        return none ? List.of() : out;
    }

    private static Object tool(JsonNode t, String param) {
        if (!t.isObject()) throw AnthropicConversation.invalid(param, "expected an object, but got " + RequestFields.describe(t));
        JsonNode type = t.get("type");
        if (type != null && !type.isNull() && !(type.isTextual() && type.textValue().equals("custom"))) {
            throw AnthropicConversation.invalid(param + ".type", "only client tools (type 'custom' or none) are supported; "
                    + "'" + type.asText() + "' is a server tool, which this server does not run");
        }
        JsonNode name = t.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
            throw AnthropicConversation.invalid(param + ".name", "a non-empty string is required");
        }
        JsonNode description = t.get("description");
        if (description != null && !description.isNull() && !description.isTextual()) {
            throw AnthropicConversation.invalid(param + ".description", "expected a string, but got " + RequestFields.describe(description));
        }
        JsonNode schema = t.get("input_schema");
        if (schema == null || !schema.isObject()) {
            throw AnthropicConversation.invalid(param + ".input_schema", "a JSON schema object is required");
        }
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name.textValue());
        if (description != null && description.isTextual()) function.put("description", description.textValue());
        function.put("parameters", ApiJson.toPlain(schema));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }

    /** Validates {@code tool_choice}; true when it is {@code {"type": "none"}}. */
    private static boolean toolChoiceIsNone(JsonNode choice) {
        if (choice == null) return false;
        if (!choice.isObject()) {
            throw AnthropicConversation.invalid("tool_choice", "expected an object, but got " + RequestFields.describe(choice));
        }
        JsonNode type = choice.get("type");
        if (type == null || !type.isTextual()) throw AnthropicConversation.invalid("tool_choice.type", "Field required");
        JsonNode parallel = choice.get("disable_parallel_tool_use");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw AnthropicConversation.invalid("tool_choice.disable_parallel_tool_use", "expected a boolean");
        }
        return switch (type.textValue()) {
            case "auto" -> false;
            case "none" -> true;
            case "any", "tool" -> throw ApiError.badRequest("tool_choice: type '" + type.textValue() + "' obliges the model "
                    + "to call a tool, which needs constrained decoding that this server does not have yet; use "
                    + "'auto' (the model may call a tool) or 'none'", "tool_choice");
            default -> throw AnthropicConversation.invalid("tool_choice.type", "expected 'auto', 'any', 'tool' or 'none', "
                    + "but got '" + type.textValue() + "'");
        };
    }
}
