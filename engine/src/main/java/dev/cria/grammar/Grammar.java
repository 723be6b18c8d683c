package dev.cria.grammar;

/**
 * A context-free grammar over bytes, parsed from GBNF (llama.cpp's grammar format,
 * grammars/README.md in llama.cpp: rules {@code name ::= ...}, literals, character classes,
 * {@code ( )}, {@code | * + ? {m,n}}, comments), with {@code root} as the start rule.
 * Immutable; compile it against a vocabulary with {@link TokenGrammar#compile}.
 */
public final class Grammar {
    private Grammar() {
    }

    /**
     * Parses GBNF text.
     *
     * @throws GrammarException naming the line and column of the first error, an undefined rule,
     *                          or a missing {@code root}
     */
    public static Grammar parse(String gbnf) {
        throw new UnsupportedOperationException("not yet");
    }

    /** True when the grammar derives exactly these bytes from {@code root} (for tests and validation). */
    public boolean matches(byte[] text) {
        throw new UnsupportedOperationException("not yet");
    }
}
