package dev.cria.grammar;

/**
 * A {@link Grammar} compiled against one vocabulary: the token trie and the cache of allowed-token
 * masks. Immutable to its users and safe to share between sequences and threads (the cache fills
 * as states are met); each sequence walks it with its own {@link GrammarState}.
 */
public final class TokenGrammar {
    private TokenGrammar() {
    }

    public static TokenGrammar compile(Grammar grammar, TokenVocabulary vocabulary) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A new state at the start of {@code root}. */
    public GrammarState start() {
        throw new UnsupportedOperationException("not yet");
    }

    public TokenVocabulary vocabulary() {
        throw new UnsupportedOperationException("not yet");
    }
}
