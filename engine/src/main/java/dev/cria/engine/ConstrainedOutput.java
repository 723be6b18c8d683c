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
    /** How a completion's bytes are written as tokens: the tokenizer's own tokens, or one per byte. */
    interface Spelling {
        /** Ordinary tokens whose bytes are exactly {@code bytes}, or null if they cannot be spelled. */
        int[] tokens(byte[] bytes);
    }

    private final GrammarState state;
    private final long[] mask;
    private final Spelling spelling;
    private final int[] endIds;
    private int[] closing;    // non-null once the budget forced the shortest completion
    private int closed;       // tokens of {@link #closing} already emitted

    ConstrainedOutput(TokenGrammar grammar, Spelling spelling) {
        this.state = grammar.start();
        this.mask = new long[(grammar.vocabulary().size() + 63) >>> 6];
        this.spelling = spelling;
        this.endIds = grammar.vocabulary().endIds();
    }

    /**
     * The next token: sampled from the allowed ones, or the next token of a forced completion; -1
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
            if (fits(state.shortestCompletion(), tokensLeft - 1)) return id;
            state.rollback(1);
            int[] tokens = spelling.tokens(state.shortestCompletion());
            if (tokens == null || tokens.length > tokensLeft) { // over budget from the start (max_tokens below the shortest answer)
                state.accept(id);
                return id;
            }
            closing = tokens;
        }
        if (closed == closing.length) return -1;
        int id = closing[closed++];
        state.accept(id);
        return id;
    }

    /** Whether a completion of these bytes fits in {@code tokens} tokens (a byte is at most one token: no spelling needed then). */
    private boolean fits(byte[] rest, int tokens) {
        if (rest.length <= tokens) return true;
        int[] spelled = spelling.tokens(rest);
        return spelled == null || spelled.length <= tokens;
    }

    /** Whether {@code id} is one of the grammar vocabulary's end ids (allowed only when complete). */
    private boolean isEnd(int id) {
        for (int e : endIds) if (e == id) return true;
        return false;
    }

    /**
     * The budget forced the shortest completion and all of it is written: the answer is complete,
     * even where the grammar would allow more (another call after "; "), so it ends with stop.
     */
    boolean closedByBudget() {
        return closing != null && closed == closing.length;
    }

    /** Nothing but the end may follow: the sequence finishes now. */
    boolean mustEnd() {
        return state.mustEnd();
    }
}
