package dev.cria.server.structured;

import dev.cria.engine.Engine;
import dev.cria.grammar.GrammarException;
import dev.cria.grammar.TokenGrammar;
import dev.cria.server.api.ApiError;

/**
 * An answer's constraint compiled for the engine. The engine's vocabulary keeps recently compiled
 * grammars by text ({@link Engine#compileGrammar(String)}), so clients that send the same schema or
 * tool set with every request (agents do) parse it once and reuse its warm mask cache.
 */
public final class CompiledGrammars {
    private CompiledGrammars() {
    }

    /** The constraint compiled for {@code engine}; a grammar it cannot parse is a 400 naming the constraint's field. */
    public static TokenGrammar compile(Engine engine, OutputConstraint constraint) {
        try {
            return engine.compileGrammar(constraint.gbnf());
        } catch (GrammarException e) {
            throw ApiError.badRequest("Invalid '" + constraint.param() + "': " + e.getMessage(), constraint.param(), "invalid_value");
        }
    }
}
