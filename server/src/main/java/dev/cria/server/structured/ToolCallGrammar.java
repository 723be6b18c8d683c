package dev.cria.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The grammar of the tool calls {@code tool_choice} obliges: {@code "required"} (one of the tools) or
 * {@code {"type": "function", "function": {"name": ...}}} (that one). The calls are written in Llama
 * 3.x's JSON form, the one the chat template renders for earlier calls and the model card describes:
 * {@code {"name": "get_weather", "parameters": {...}}}, the parameters following the function's
 * {@code parameters} schema (enforced whether or not the function says {@code strict}: an obliged
 * call that does not fit its function is no call); with {@code parallel_tool_calls} (the default)
 * several calls separated by {@code "; "}, as {@code ToolCallParser} reads them.
 *
 * <p>{@code "auto"} constrains nothing, unless a function says {@code "strict": true}: then the model
 * may still answer in text, but an answer that starts as a call (with '{' or '[') must be a valid
 * call — OpenAI's promise for strict functions, kept by the grammar {@code calls | prose}, prose
 * being any text that does not start with a bracket or a blank. {@code "none"} constrains nothing.
 */
public final class ToolCallGrammar {
    private ToolCallGrammar() {
    }

    /**
     * @param tools    the request's function tools as plain values (validated: each has function.name)
     * @param choice   {@code tool_choice} as sent (validated), or null
     * @param parallel {@code parallel_tool_calls}
     * @param param    how {@code tools} is named in errors ("tools")
     * @return the constraint, or null when the model may answer in text
     */
    public static OutputConstraint of(List<Object> tools, JsonNode choice, boolean parallel, String param) {
        if (tools.isEmpty()) return null;
        String only = null;
        boolean auto = choice == null || choice.isTextual() && choice.textValue().equals("auto");
        if (auto) {
            if (tools.stream().noneMatch(ToolCallGrammar::strict)) return null;
        } else if (choice.isTextual()) {
            if (!choice.textValue().equals("required")) return null;
        } else {
            only = choice.get("function").get("name").textValue();
        }
        return grammar(tools, only, auto, parallel, param, i -> param + "[" + i + "].function.parameters");
    }

    /**
     * The calls another API's tool choice obliges (the Responses API's {@code required} or named
     * function, Anthropic's {@code any} or {@code tool}), its tools already in the chat-completions
     * shape the template prints.
     *
     * @param only            the one function that may be called, or null for any of them
     * @param param           the constraint's field for errors ({@code tools})
     * @param parametersParam how tool i's parameter schema is named in errors, in the API's own spelling
     */
    public static OutputConstraint obliged(List<Object> tools, String only, boolean parallel, String param,
                                           IntFunction<String> parametersParam) {
        return grammar(tools, only, false, parallel, param, parametersParam);
    }

    private static OutputConstraint grammar(List<Object> tools, String only, boolean auto, boolean parallel, String param,
                                            IntFunction<String> parametersParam) {
        StringBuilder g = new StringBuilder();
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) tools.get(i)).get("function");
            String name = (String) function.get("name");
            if (only != null && !only.equals(name)) continue;
            String rule = "call" + i;
            String prefix = "f" + i + "-";
            Object parameters = function.get("parameters");
            String paramsParam = parametersParam.apply(i);
            // Under "auto", only strict functions promise valid arguments; the others' calls need only be JSON objects.
            boolean enforce = parameters != null && (!auto || strict(tools.get(i)));
            String rules = enforce ? SchemaRules.gbnf(parameters, paramsParam, prefix) : SchemaRules.anyObject(prefix);
            g.append(rule).append(" ::= ").append(literal("{\"name\": " + ApiJson.string(name) + ", \"parameters\": "))
                    .append(' ').append(prefix).append("root ").append(literal("}")).append('\n').append(rules).append('\n');
            alternatives.add(rule);
        }
        if (alternatives.isEmpty()) {
            throw ApiError.badRequest("Invalid 'tool_choice': no function named '" + only + "' in 'tools'.",
                    "tool_choice", "invalid_value");
        }
        String call = String.join(" | ", alternatives);
        String calls = parallel ? "(" + call + ") (\"; \" (" + call + "))*" : "(" + call + ")";
        if (auto) return new OutputConstraint("root ::= " + calls + " | prose\nprose ::= [^{\\[ \\t\\r\\n] .*\n" + g, param, false);
        return new OutputConstraint("root ::= " + calls + "\n" + g, param, true);
    }

    private static boolean strict(Object tool) {
        Object function = ((Map<?, ?>) tool).get("function");
        return function instanceof Map<?, ?> f && Boolean.TRUE.equals(f.get("strict"));
    }

    /** {@code s} as a GBNF string literal. */
    static String literal(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\x%02X", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
