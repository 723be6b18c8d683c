package dev.cria.engine;

import dev.cria.grammar.GrammarState;
import dev.cria.grammar.TokenGrammar;
import dev.cria.sampling.Sampler;

/**
 * One sequence's grammar: which token comes next when its output must follow a grammar
 * ({@link GenerationRequest#grammar}), and the promise that the output is complete when it ends.
 *
 * <p>Each step samples through {@link Sampler#sample(float[], int, GrammarState, long[])} while the
 * budget allows. The budget: tokens still allowed (max_tokens, the context) must cover the grammar's
 * {@linkplain GrammarState#shortestCompletion shortest completion}, one byte token per byte (a
 * byte-level vocabulary has a token for every byte). A sampled token that would leave a longer
 * completion than the budget after it is undone, and the completion from before it is written out
 * byte by byte instead, so a constrained answer ends complete — finish reason stop — rather than cut
 * by max_tokens in the middle of a value (issue #19). The generation ends as soon as the grammar
 * {@linkplain GrammarState#mustEnd must end}, without waiting for the model's end token.
 */
final class ConstrainedOutput {
    private final GrammarState state;
    private final long[] mask;
    private final int[] byteTokens;
    private final int[] endIds;
    private byte[] closing;   // non-null once the budget forced the shortest completion
    private int closed;       // bytes of {@link #closing} already emitted

    /**
     * @param byteTokens for each byte value, the ordinary token standing for exactly that byte, or -1
     */
    ConstrainedOutput(TokenGrammar grammar, int[] byteTokens) {
        this.state = grammar.start();
        this.mask = new long[(grammar.vocabulary().size() + 63) >>> 6];
        this.byteTokens = byteTokens;
        this.endIds = grammar.vocabulary().endIds();
    }

    /**
     * The next token: sampled from the allowed ones, or the next byte of a forced completion; -1
     * when nothing may follow but the end (the grammar is complete and refuses every token).
     *
     * @param tokensLeft tokens this sequence may still append, this one included
     */
    int next(Sampler sampler, float[] logits, int off, int tokensLeft) {
        if (closing == null) {
            int id = sampler.sample(logits, off, state, mask);
            if (id < 0) return -1;
            if (isEnd(id)) return id;
            state.accept(id);
            byte[] rest = state.shortestCompletion();
            if (rest.length <= tokensLeft - 1 || !canSpell(rest)) return id;
            state.rollback(1);
            closing = state.shortestCompletion();
            if (closing.length > tokensLeft) { // over budget from the start (max_tokens below the shortest answer)
                closing = null;
                state.accept(id);
                return id;
            }
        }
        if (closed == closing.length) return -1;
        int id = byteTokens[closing[closed++] & 0xFF];
        state.accept(id);
        return id;
    }

    /** Whether {@code id} is one of the grammar vocabulary's end ids (allowed only when complete). */
    private boolean isEnd(int id) {
        for (int e : endIds) if (e == id) return true;
        return false;
    }

    private boolean canSpell(byte[] bytes) {
        for (byte b : bytes) if (byteTokens[b & 0xFF] < 0) return false;
        return true;
    }

    /** Nothing but the end may follow: the sequence finishes now. */
    boolean mustEnd() {
        return state.mustEnd();
    }
}
