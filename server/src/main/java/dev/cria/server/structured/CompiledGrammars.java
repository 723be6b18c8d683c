package dev.cria.server.structured;

import dev.cria.engine.Engine;
import dev.cria.grammar.Grammar;
import dev.cria.grammar.GrammarException;
import dev.cria.grammar.TokenGrammar;
import dev.cria.server.api.ApiError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Grammars compiled against an engine's vocabulary, the last {@value #SIZE} per engine kept: a
 * compiled grammar caches the allowed-token masks it has met, so clients that send the same schema
 * or tool set with every request (agents do) pay for masks once.
 */
public final class CompiledGrammars {
    static final int SIZE = 64;
    private static final Map<Engine, Map<String, TokenGrammar>> BY_ENGINE = Collections.synchronizedMap(new WeakHashMap<>());

    private CompiledGrammars() {
    }

    /** The constraint compiled for {@code engine}; a grammar it cannot parse is a 400 naming the constraint's field. */
    public static TokenGrammar compile(Engine engine, OutputConstraint constraint) {
        Map<String, TokenGrammar> cache = BY_ENGINE.computeIfAbsent(engine, e -> lru());
        synchronized (cache) {
            TokenGrammar g = cache.get(constraint.gbnf());
            if (g != null) return g;
        }
        TokenGrammar g;
        try {
            g = engine.compileGrammar(Grammar.parse(constraint.gbnf()));
        } catch (GrammarException e) {
            throw ApiError.badRequest("Invalid '" + constraint.param() + "': " + e.getMessage(), constraint.param(), "invalid_value");
        }
        synchronized (cache) {
            cache.put(constraint.gbnf(), g);
        }
        return g;
    }

    private static Map<String, TokenGrammar> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenGrammar> eldest) {
                return size() > SIZE;
            }
        };
    }
}
