package dev.cria.grammar;

/**
 * One sequence's position in a {@link TokenGrammar}. Not thread-safe: the engine loop owns it.
 * End-of-generation ids are allowed exactly when {@link #isComplete()}; special tokens never are.
 *
 * <p>{@link #accepts}, {@link #accept} and {@link #allowedTokens} throw {@link GrammarException}
 * when a grammar is too ambiguous for the runtime's bounds (more than 16,384 parse stacks live at
 * once, or millions of stack nodes): the request should end with that error, not run on.
 */
public interface GrammarState {
    /** Would the grammar take {@code token} now? Cheap: walks only that token's bytes. */
    boolean accepts(int token);

    /** Advances by {@code token}. @throws IllegalStateException if the grammar does not accept it */
    void accept(int token);

    /**
     * Sets bit {@code id} of {@code mask} (a {@code long[(vocabSize + 63) / 64]}) for every token the
     * grammar accepts now, and clears every other bit.
     */
    void allowedTokens(long[] mask);

    /** The text so far is a complete sentence of the grammar: an end-of-generation token may come now. */
    boolean isComplete();

    /** Complete and no byte can follow: only an end-of-generation token may come. */
    boolean mustEnd();

    /**
     * The fewest bytes that make the text so far complete (empty when {@link #isComplete()}): the
     * engine appends them, one byte token each, when max_tokens would otherwise cut the text short.
     */
    byte[] shortestCompletion();

    /** Undoes the last {@code tokens} accepted tokens. @throws IllegalArgumentException beyond the start */
    void rollback(int tokens);
}
