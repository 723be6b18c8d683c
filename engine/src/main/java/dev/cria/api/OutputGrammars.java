package dev.cria.api;

import dev.cria.engine.Engine;
import dev.cria.grammar.TokenGrammar;
import dev.cria.grammar.json.JsonSchemaGrammar;
import dev.cria.grammar.json.ToolCallGrammar;
import dev.cria.grammar.json.ToolParametersException;


/**
 * What {@link ChatOptions} oblige the answer to be, as a grammar compiled for the engine: obliged tool
 * calls first (they win over a response format, as in OpenAI's API); with tools under "auto" and a
 * JSON format, a call or an answer of the format; else the format, or strict tools' calls or prose.
 * Compiled through {@link Engine#compileGrammar(String)}, whose vocabulary keeps recent grammars warm:
 * applications send the same schema or tool set with every request.
 */
final class OutputGrammars {

    /**
     * @param grammar   null when the answer is free
     * @param callsOnly whether the answer must be tool calls
     */
    record Constraint(TokenGrammar grammar, boolean callsOnly) {
    }

    private final Engine engine;
    OutputGrammars(Engine engine) {
        this.engine = engine;
    }

    Constraint constraint(ChatOptions options) {
        boolean obliged = options.toolChoice() instanceof ToolChoice.Required || options.toolChoice() instanceof ToolChoice.Function;
        String format = switch (options.responseFormat()) {
            case ResponseFormat.Text t -> null;
            case ResponseFormat.JsonObject j -> JsonSchemaGrammar.anyObjectGbnf();
            case ResponseFormat.JsonSchema s -> JsonSchemaGrammar.gbnf(PlainValues.normalized(s.schema()));
        };
        if (format != null && !options.tools().isEmpty() && options.toolChoice() instanceof ToolChoice.Auto) {
            // Tools and a format together (AiServices: @Tool methods and a POJO result): a call or the answer.
            return new Constraint(compile(tools(options, () -> ToolCallGrammar.callsOrAnswer(
                    ChatPrompts.templateTools(options.tools()), format, options.parallelToolCalls()))), false);
        }
        String calls = toolCalls(options);
        if (calls != null) return new Constraint(compile(calls), obliged);
        return new Constraint(format == null ? null : compile(format), false);
    }

    private static String toolCalls(ChatOptions options) {
        if (options.tools().isEmpty()) return null;
        var tools = ChatPrompts.templateTools(options.tools());
        return tools(options, () -> switch (options.toolChoice()) {
            case ToolChoice.None n -> null;
            case ToolChoice.Auto a -> ToolCallGrammar.callsOrProse(tools, options.parallelToolCalls());
            case ToolChoice.Required r -> ToolCallGrammar.callsOnly(tools, null, options.parallelToolCalls());
            case ToolChoice.Function f -> ToolCallGrammar.callsOnly(tools, f.name(), options.parallelToolCalls());
        });
    }

    /** A tool-call grammar; a tool whose parameters cannot be enforced is refused by its name. */
    private static String tools(ChatOptions options, java.util.function.Supplier<String> grammar) {
        try {
            return grammar.get();
        } catch (ToolParametersException e) {
            throw new IllegalArgumentException("tool '" + options.tools().get(e.toolIndex()).name() + "': " + e.getMessage(), e);
        }
    }

    private TokenGrammar compile(String gbnf) {
        return engine.compileGrammar(gbnf);
    }
}
