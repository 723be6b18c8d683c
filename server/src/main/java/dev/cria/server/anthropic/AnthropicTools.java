package dev.cria.server.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ToolCallGrammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Messages request's {@code tools} and {@code tool_choice}. Anthropic's client tools
 * ({@code {name, description, input_schema}}) become the function-tool JSON that the Llama template
 * prints ({@code {"type": "function", "function": {"name", "description", "parameters"}}}), the
 * shape a chat completion's tools already have, so both APIs render the same prompt. Server tools
 * (web search, code execution…) run on Anthropic's side and are a 400.
 *
 * <p>{@code tool_choice} (API reference, "Create a Message", tool_choice): {@code auto} (the
 * default) lets the model choose; {@code none} renders the conversation without tools, so the model
 * cannot call one; {@code any} and {@code {"type": "tool", "name"}} oblige it to call a tool (any
 * of them, that one), which the grammar enforces ({@link ToolCallGrammar}): the answer is then
 * tool_use blocks whose input validates against the tool's {@code input_schema}.
 * {@code disable_parallel_tool_use} ("the model will output at most one tool use") makes an obliged
 * answer exactly one call, and keeps only the first call of an answer under {@code auto}.
 *
 * @param functions  the tools as function tools, as given
 * @param choice     tool_choice's type: auto, none, any or tool
 * @param name       the tool a {@code tool} choice names; null otherwise
 * @param oneToolUse {@code disable_parallel_tool_use}
 */
record AnthropicTools(List<Object> functions, String choice, String name, boolean oneToolUse) {

    static AnthropicTools read(RequestFields f) {
        JsonNode v = f.get("tools");
        if (v != null && !v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> functions = new ArrayList<>();
        for (int i = 0; v != null && i < v.size(); i++) functions.add(tool(v.get(i), "tools." + i));
        JsonNode choice = f.get("tool_choice");
        if (choice == null) return new AnthropicTools(functions, "auto", null, false);
        if (!choice.isObject()) {
            throw AnthropicConversation.invalid("tool_choice", "expected an object, but got " + RequestFields.describe(choice));
        }
        JsonNode type = choice.get("type");
        if (type == null || !type.isTextual()) throw AnthropicConversation.invalid("tool_choice.type", "Field required");
        JsonNode parallel = choice.get("disable_parallel_tool_use");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) {
            throw AnthropicConversation.invalid("tool_choice.disable_parallel_tool_use", "expected a boolean");
        }
        boolean oneToolUse = parallel != null && parallel.asBoolean();
        return switch (type.textValue()) {
            case "auto", "none" -> new AnthropicTools(functions, type.textValue(), null, oneToolUse);
            case "any" -> obliging(functions, "any", null, oneToolUse);
            case "tool" -> obliging(functions, "tool", toolName(choice, functions), oneToolUse);
            default -> throw AnthropicConversation.invalid("tool_choice.type", "expected 'auto', 'any', 'tool' or 'none', "
                    + "but got '" + type.textValue() + "'");
        };
    }

    /** The tools to render: none when tool_choice is none. */
    List<Object> rendered() {
        return choice.equals("none") ? List.of() : functions;
    }

    /** The grammar of the calls tool_choice obliges (any, or the named tool), or null when the model may answer in text. */
    OutputConstraint obligedCalls() {
        if (!choice.equals("any") && !choice.equals("tool")) return null;
        return ToolCallGrammar.obliged(functions, name, !oneToolUse, "tools", i -> "tools." + i + ".input_schema");
    }

    private static AnthropicTools obliging(List<Object> functions, String choice, String name, boolean oneToolUse) {
        if (functions.isEmpty()) {
            throw AnthropicConversation.invalid("tool_choice", "type '" + choice + "' obliges a tool call, so 'tools' must "
                    + "name at least one tool");
        }
        return new AnthropicTools(functions, choice, name, oneToolUse);
    }

    private static String toolName(JsonNode choice, List<Object> functions) {
        JsonNode name = choice.get("name");
        if (name == null || !name.isTextual()) throw AnthropicConversation.invalid("tool_choice.name", "Field required");
        for (Object t : functions) {
            if (name.textValue().equals(((Map<?, ?>) ((Map<?, ?>) t).get("function")).get("name"))) return name.textValue();
        }
        throw AnthropicConversation.invalid("tool_choice.name", "no tool named '" + name.textValue() + "' in 'tools'");
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
}
