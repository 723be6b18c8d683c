package dev.cria.grammar.json;

import dev.cria.util.StrictJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grammar of Llama 3.x tool calls in their JSON form, the one the chat template renders for
 * earlier calls and the model card describes: {@code {"name": "get_weather", "parameters": {...}}},
 * the parameters following the function's {@code parameters} schema; with {@code parallel} several
 * calls separated by {@code "; "}, as {@code dev.cria.chat.ToolCallParser} reads them.
 *
 * <p>Tools are given as the chat template takes them: OpenAI-shaped plain values,
 * {@code {"type": "function", "function": {"name": ..., "parameters": {...}, "strict": true}}}. The
 * server (tool_choice) and the library API both build their constraints here, so that an obliged
 * call means the same in both.
 */
public final class ToolCallGrammar {
    private ToolCallGrammar() {
    }

    /**
     * GBNF whose answers are only calls: of the function named {@code only}, or of any tool when it is
     * null. Every call's parameters follow its schema, strict or not: an obliged call that does not fit
     * its function is no call.
     *
     * @throws ToolParametersException when a function's parameter schema cannot be enforced
     * @throws IllegalArgumentException when {@code only} names no tool, or there are no tools
     */
    public static String callsOnly(List<?> tools, String only, boolean parallel) {
        if (tools == null || tools.isEmpty()) throw new IllegalArgumentException("no 'tools' to call.");
        Calls c = calls(tools, only, false, parallel);
        return "root ::= " + c.expression + "\n" + c.rules;
    }

    /**
     * GBNF that lets the model answer in text or call a tool, when a function says {@code "strict": true}:
     * an answer that starts as a call (with '{' or '[') must then be a valid call — OpenAI's promise for
     * strict functions. Non-strict functions' calls need only have an object for parameters.
     *
     * @return the grammar, or null when no function is strict (nothing to constrain)
     * @throws ToolParametersException when a strict function's parameter schema cannot be enforced
     */
    public static String callsOrProse(List<?> tools, boolean parallel) {
        if (tools == null || tools.stream().noneMatch(ToolCallGrammar::strict)) return null;
        Calls c = calls(tools, null, true, parallel);
        return "root ::= " + c.expression + " | prose\nprose ::= [^{\\[ \\t\\r\\n] .*\n" + c.rules;
    }

    /**
     * GBNF that lets the model call a tool or give an answer of {@code answerGbnf} (a JSON Schema's
     * grammar): tools offered under "auto" together with a JSON response format, as LangChain4j's
     * AiServices sends them for a method with tools and a POJO result. Constraining to the format alone
     * would make every call impossible. As in {@link #callsOrProse}, only strict functions' parameters
     * are enforced.
     *
     * @param answerGbnf a grammar whose start rule is {@code root}
     * @throws ToolParametersException when a strict function's parameter schema cannot be enforced
     */
    public static String callsOrAnswer(List<?> tools, String answerGbnf, boolean parallel) {
        if (tools == null || tools.isEmpty()) throw new IllegalArgumentException("no 'tools' to call.");
        Calls c = calls(tools, null, true, parallel);
        return "root ::= " + c.expression + " | answer-root\n" + c.rules + GbnfRuleNames.prefixed(answerGbnf, "answer-");
    }

    /** The calls as a GBNF expression, "(call0 | call1) ...", and the rules it uses. */
    private record Calls(String expression, String rules) {
    }

    private static Calls calls(List<?> tools, String only, boolean strictOnly, boolean parallel) {
        StringBuilder rules = new StringBuilder();
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Map<?, ?> function = function(tools.get(i));
            String name = (String) function.get("name");
            if (only != null && !only.equals(name)) continue;
            String rule = "call" + i;
            String prefix = "f" + i + "-";
            Object parameters = function.get("parameters");
            boolean enforce = parameters != null && (!strictOnly || strict(tools.get(i)));
            String parameterRules = enforce ? parameters(parameters, i) : JsonSchemaGrammar.anyObjectGbnf();
            rules.append(rule).append(" ::= ")
                    .append(Gbnf.literal("{\"name\": " + StrictJson.toJson(name) + ", \"parameters\": "))
                    .append(' ').append(prefix).append("root ").append(Gbnf.literal("}")).append('\n')
                    .append(GbnfRuleNames.prefixed(parameterRules, prefix)).append('\n');
            alternatives.add(rule);
        }
        if (alternatives.isEmpty()) throw new IllegalArgumentException("no function named '" + only + "' in 'tools'.");
        String call = String.join(" | ", alternatives);
        String calls = parallel ? "(" + call + ") (\"; \" (" + call + "))*" : "(" + call + ")";
        return new Calls(calls, rules.toString());
    }

    private static String parameters(Object schema, int toolIndex) {
        try {
            return JsonSchemaGrammar.gbnf(schema);
        } catch (SchemaException e) {
            throw new ToolParametersException(toolIndex, e.getMessage());
        }
    }

    private static Map<?, ?> function(Object tool) {
        if (tool instanceof Map<?, ?> t && t.get("function") instanceof Map<?, ?> f && f.get("name") instanceof String) {
            return f;
        }
        throw new IllegalArgumentException("a tool must be {\"type\": \"function\", \"function\": {\"name\": ...}}, got "
                + StrictJson.brief(tool, 80));
    }

    private static boolean strict(Object tool) {
        return tool instanceof Map<?, ?> t && t.get("function") instanceof Map<?, ?> f && Boolean.TRUE.equals(f.get("strict"));
    }
}
