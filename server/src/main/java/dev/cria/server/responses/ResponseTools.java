package dev.cria.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.TemplateTools;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ToolChoices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's {@code tools} and {@code tool_choice}. The Responses API's function tools are flat
 * ({@code {"type": "function", "name", "description", "parameters", "strict"}}); they become the
 * chat-completions shape the Llama template prints ({@code {"type": "function", "function": {"name",
 * "description", "parameters"}}}), so a conversation renders to the same prompt through either API.
 * Hosted tools (web_search, file_search, code_interpreter, mcp…) run on OpenAI's side: a 400 naming
 * the tool.
 *
 * <p>{@code tool_choice} (API reference, "tool_choice"): {@code auto} (the default) lets the model
 * choose; {@code none} renders without tools, so the model cannot call one; {@code required} and
 * {@code {"type": "function", "name"}} oblige a call (of any tool, of that one), which the grammar
 * enforces ({@link dev.cria.grammar.json.ToolCallGrammar}): the answer is then function calls whose
 * arguments follow the tool's {@code parameters}, whether or not it says {@code strict}.
 *
 * <p>{@code strict} defaults to true in this API (OpenAI's function-calling guide: a Responses request
 * that omits it is handled in strict mode; {@code "strict": false} opts out). Under {@code auto} a
 * strict function's call is enforced as in chat completions: the answer is text, or calls whose strict
 * functions' arguments follow their {@code parameters} ({@code ToolCallGrammar.callsOrProse}); with a
 * JSON {@code text.format}, a call or an answer of the format ({@code callsOrAnswer}). Strict does not
 * narrow the schemas accepted (optional properties stay optional), as for chat completions.
 *
 * @param template the tools to render (empty when none or tool_choice is none)
 * @param grammar  the same tools with their effective {@code strict}, as the tool-call grammar reads them
 *                 (kept out of the template, so that the prompt is the one chat completions renders)
 * @param echoed   the tools as the response object repeats them
 * @param choice   tool_choice as the response object repeats it
 * @param obliged  whether tool_choice obliges a call
 * @param only     the function a named tool_choice obliges; null for any
 */
record ResponseTools(List<Object> template, List<Object> grammar, List<Object> echoed, Object choice, boolean obliged,
                     String only) {

    static ResponseTools read(RequestFields f) {
        JsonNode c = f.get("tool_choice");
        JsonNode v = f.get("tools");
        if (v != null && !v.isArray()) throw f.wrongType("tools", "an array", v);
        List<Object> template = new ArrayList<>();
        List<Object> grammar = new ArrayList<>();
        List<Object> echoed = new ArrayList<>();
        for (int i = 0; v != null && i < v.size(); i++) {
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
            boolean strict = tf.bool("strict", true);
            Object schema = parameters == null ? TemplateTools.noParameters() : ApiJson.toPlain(parameters);

            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", name);
            if (description != null) function.put("description", description);
            function.put("parameters", schema);
            template.add(TemplateTools.function(function));
            Map<String, Object> strictFunction = new LinkedHashMap<>(function);
            strictFunction.put("strict", strict);
            grammar.add(TemplateTools.function(strictFunction));

            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("type", "function");
            echo.put("name", name);
            echo.put("description", description);
            echo.put("parameters", schema);
            echo.put("strict", strict);
            echoed.add(echo);
        }
        if (c == null || (c.isTextual() && c.textValue().equals("auto"))) {
            return new ResponseTools(template, grammar, echoed, "auto", false, null);
        }
        if (c.isTextual() && c.textValue().equals("none")) return new ResponseTools(List.of(), List.of(), echoed, "none", false, null);
        if (c.isTextual() && !c.textValue().equals("required")) {
            throw ApiError.badRequest("Invalid value: '" + c.textValue() + "'. Supported values are: 'none', 'auto', and "
                    + "'required'.", "tool_choice", "invalid_value");
        }
        if (!c.isTextual() && !c.isObject()) throw f.wrongType("tool_choice", "a string or an object", c);
        if (template.isEmpty()) {
            throw ApiError.badRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
                    + "specified.", "tool_choice", "invalid_value");
        }
        if (c.isTextual()) return new ResponseTools(template, grammar, echoed, "required", true, null);
        String only = namedFunction(new RequestFields((com.fasterxml.jackson.databind.node.ObjectNode) c, "tool_choice."), echoed);
        Map<String, Object> echoedChoice = new LinkedHashMap<>(); // in the order OpenAI echoes it, in every JVM
        echoedChoice.put("type", "function");
        echoedChoice.put("name", only);
        return new ResponseTools(template, grammar, echoed, echoedChoice, true, only);
    }

    /** {@code {"type": "function", "name"}}: the name of one of the tools. Other tool choices name hosted tools. */
    private static String namedFunction(RequestFields f, List<Object> tools) {
        String type = f.requiredString("type");
        if (!type.equals("function")) {
            throw ApiError.badRequest("Invalid value: '" + type + "'. This server runs no hosted tools; supported values "
                    + "are: 'function'.", f.param("type"), "invalid_value");
        }
        String name = f.requiredString("name");
        for (Object t : tools) {
            if (name.equals(((Map<?, ?>) t).get("name"))) return name;
        }
        throw ApiError.badRequest("Invalid 'tool_choice': no function named '" + name + "' in 'tools'.", f.param("name"),
                "invalid_value");
    }

    /**
     * What the answer must follow: the calls tool_choice obliges ({@code parallel_tool_calls}: one call or
     * several); under {@code auto} with tools, a call or an answer of the JSON text format, else text or
     * calls of the strict functions; otherwise the text format's constraint (null for plain text).
     */
    OutputConstraint constraint(boolean parallel, OutputConstraint format) {
        if (obliged) return ToolChoices.obliged(template, only, parallel, "tools", i -> "tools[" + i + "].parameters");
        if (template.isEmpty()) return format;
        return ToolChoices.chosen(grammar, format, parallel, "tools", i -> "tools[" + i + "].parameters");
    }
}
