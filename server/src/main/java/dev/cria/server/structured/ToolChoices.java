package dev.cria.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.grammar.json.ToolCallGrammar;
import dev.cria.grammar.json.ToolParametersException;
import dev.cria.server.api.ApiError;

import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code tool_choice} as a constraint on the answer, through the engine's {@link ToolCallGrammar}:
 * {@code "required"} (one of the tools) or {@code {"type": "function", "function": {"name": ...}}}
 * (that one) oblige calls; {@code "auto"} constrains nothing unless a function says
 * {@code "strict": true} (then text, or a valid call), and with a response format it is a call or an
 * answer of the format ({@link #of(List, JsonNode, boolean, String, OutputConstraint)}); {@code "none"}
 * constrains nothing. What the engine refuses becomes a 400 naming the field.
 */
public final class ToolChoices {
    private ToolChoices() {
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
        try {
            if (choice == null || choice.isTextual() && choice.textValue().equals("auto")) {
                String gbnf = ToolCallGrammar.callsOrProse(tools, parallel);
                return gbnf == null ? null : new OutputConstraint(gbnf, param, false);
            }
            if (choice.isTextual() && !choice.textValue().equals("required")) return null;
            String only = choice.isTextual() ? null : choice.get("function").get("name").textValue();
            return new OutputConstraint(ToolCallGrammar.callsOnly(tools, only, parallel), param, true);
        } catch (ToolParametersException e) {
            String where = param + "[" + e.toolIndex() + "].function.parameters";
            throw ApiError.badRequest("Invalid '" + where + "': " + e.getMessage(), where, "invalid_value");
        } catch (IllegalArgumentException e) { // the named function is not among the tools
            throw ApiError.badRequest("Invalid 'tool_choice': " + e.getMessage(), "tool_choice", "invalid_value");
        }
    }

    /**
     * {@code tool_choice} together with a response format (or llama.cpp's {@code grammar}): an obliging
     * choice wins over the format; {@code "auto"} with tools is a call or an answer of the format
     * ({@link ToolCallGrammar#callsOrAnswer}), what LangChain4j's AiServices send for {@code @Tool}
     * methods with a POJO result — the format alone would make every call impossible; otherwise the format.
     *
     * @param format the format's constraint (never tool calls), or null
     * @return the constraint, or null when nothing constrains the answer
     */
    public static OutputConstraint of(List<Object> tools, JsonNode choice, boolean parallel, String param,
                                      OutputConstraint format) {
        OutputConstraint calls = of(tools, choice, parallel, param);
        if (calls != null && calls.toolCalls()) return calls;
        boolean auto = choice == null || choice.isTextual() && choice.textValue().equals("auto");
        if (format == null || tools.isEmpty() || !auto) return calls != null ? calls : format;
        try {
            return new OutputConstraint(ToolCallGrammar.callsOrAnswer(tools, format.gbnf(), parallel), format.param(), false);
        } catch (ToolParametersException e) {
            String where = param + "[" + e.toolIndex() + "].function.parameters";
            throw ApiError.badRequest("Invalid '" + where + "': " + e.getMessage(), where, "invalid_value");
        }
    }

    /**
     * Tools under {@code "auto"}, for APIs that read their tool choice themselves (the Responses API's):
     * with a format, a call or an answer of the format; without, text or calls, the strict functions'
     * calls enforced ({@link ToolCallGrammar#callsOrProse}).
     *
     * @param tools           the tools as the grammar reads them (each function with its effective {@code strict})
     * @param format          the format's constraint, or null for text
     * @param parametersParam how tool i's parameter schema is named in errors, in the API's own spelling
     * @return the constraint, or null when nothing constrains the answer
     */
    public static OutputConstraint chosen(List<Object> tools, OutputConstraint format, boolean parallel, String param,
                                          IntFunction<String> parametersParam) {
        try {
            if (format != null) {
                return new OutputConstraint(ToolCallGrammar.callsOrAnswer(tools, format.gbnf(), parallel), format.param(), false);
            }
            String gbnf = ToolCallGrammar.callsOrProse(tools, parallel);
            return gbnf == null ? null : new OutputConstraint(gbnf, param, false);
        } catch (ToolParametersException e) {
            String where = parametersParam.apply(e.toolIndex());
            throw ApiError.badRequest("Invalid '" + where + "': " + e.getMessage(), where, "invalid_value");
        }
    }

    /**
     * The calls an obliging tool choice allows, for APIs that read their tool choice themselves (the
     * Responses API's, Anthropic's).
     *
     * @param only            the one function that may be called, or null for any of them
     * @param param           the constraint's field for errors ({@code tools})
     * @param parametersParam how tool i's parameter schema is named in errors, in the API's own spelling
     */
    public static OutputConstraint obliged(List<Object> tools, String only, boolean parallel, String param,
                                           IntFunction<String> parametersParam) {
        try {
            return new OutputConstraint(ToolCallGrammar.callsOnly(tools, only, parallel), param, true);
        } catch (ToolParametersException e) {
            String where = parametersParam.apply(e.toolIndex());
            throw ApiError.badRequest("Invalid '" + where + "': " + e.getMessage(), where, "invalid_value");
        } catch (IllegalArgumentException e) { // the named function is not among the tools
            throw ApiError.badRequest("Invalid 'tool_choice': " + e.getMessage(), "tool_choice", "invalid_value");
        }
    }
}
