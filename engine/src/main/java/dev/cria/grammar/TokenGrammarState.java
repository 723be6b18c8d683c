package dev.cria.grammar;

import java.util.Arrays;

/**
 * A sequence's walk through a {@link TokenGrammar}: the current stack set (an interned set id in
 * this state's own {@link ByteAutomaton}), one set id per accepted token for {@link #rollback}.
 * {@link #accepts} walks the token's bytes only (memoized steps); {@link #allowedTokens} ORs the
 * cached entries of each stack's top frames and walks their uncertain subtrees from the real stack.
 */
final class TokenGrammarState implements GrammarState {
    private final TokenGrammar grammar;
    private final TokenTrie trie;
    private final byte[][] tokenBytes;
    private final boolean[] special;
    private final boolean[] end;
    private final int[] endIds;
    private final ByteAutomaton automaton;
    private final TokenGrammar.TrieScratch scratch;
    /** history[k]: the stack set after k accepted tokens; history[size - 1] is the current one. */
    private int[] history = new int[64];
    private int size;
    /** The set after an accepted end id: complete, nothing may follow. */
    private final int endedSet;

    TokenGrammarState(TokenGrammar grammar) {
        this.grammar = grammar;
        this.trie = grammar.trie();
        TokenVocabulary v = grammar.vocabulary();
        this.tokenBytes = v.tokenBytes();
        this.special = v.special();
        this.endIds = v.endIds();
        this.end = v.isEnd;
        this.automaton = new ByteAutomaton(grammar.grammar());
        this.scratch = new TokenGrammar.TrieScratch(trie);
        history[size++] = automaton.startSet();
        this.endedSet = automaton.emptyCompleteSet();
    }

    private int current() {
        return history[size - 1];
    }

    @Override
    public boolean accepts(int token) {
        int set = current();
        if (end[token]) return automaton.setComplete(set);
        if (special[token]) return false;
        return walk(set, tokenBytes[token]) >= 0;
    }

    /** The set after {@code bytes} from {@code set}, or -1 if they are refused. */
    private int walk(int set, byte[] bytes) {
        if (bytes == null || bytes.length == 0) return -1;
        ByteAutomaton a = automaton;
        for (byte b : bytes) {
            if (a.setSize(set) == 0) return -1;
            set = a.stepSet(set, b & 0xFF);
        }
        return a.setSize(set) > 0 || a.setComplete(set) ? set : -1;
    }

    @Override
    public void accept(int token) {
        int set = current();
        int next;
        if (end[token]) {
            if (!automaton.setComplete(set)) throw new IllegalStateException("end token " + token + " before the grammar is complete");
            next = endedSet;
        } else {
            next = special[token] ? -1 : walk(set, tokenBytes[token]);
            if (next < 0) throw new IllegalStateException("the grammar does not accept token " + token);
        }
        if (size == history.length) history = Arrays.copyOf(history, size * 2);
        history[size++] = next;
    }

    @Override
    public void allowedTokens(long[] mask) {
        Arrays.fill(mask, 0L);
        ByteAutomaton a = automaton;
        int set = current();
        for (int i = 0, n = a.setSize(set); i < n; i++) {
            int top = a.setTop(set, i);
            TokenGrammar.MaskEntry e = grammar.entry(a, top);
            e.orInto(mask);
            for (int r = 0; r < e.uncertainRoots.length; r++) {
                // the real stack reads the subtree's prefix, then walks the subtree as the cache did
                int root = e.uncertainRoots[r];
                int from = a.singleSet(top);
                for (byte b : e.rootPrefixes[r]) {
                    from = a.stepSet(from, b & 0xFF);
                    if (a.setSize(from) == 0) break;
                }
                if (a.setSize(from) == 0) continue;
                TokenGrammar.walkTrie(a, trie, scratch, root, trie.subtreeEnd[root], from, false, mask, null);
            }
        }
        if (a.setComplete(set)) {
            for (int id : endIds) mask[id >>> 6] |= 1L << id;
        }
    }

    @Override
    public boolean isComplete() {
        return automaton.setComplete(current());
    }

    @Override
    public boolean mustEnd() {
        int set = current();
        return automaton.setComplete(set) && automaton.setSize(set) == 0;
    }

    /** Built on first use: only a sequence whose budget runs short asks. */
    private ShortestCompletion shortest;

    @Override
    public byte[] shortestCompletion() {
        if (shortest == null) shortest = new ShortestCompletion(grammar.grammar());
        return shortest.of(automaton, current());
    }

    @Override
    public void rollback(int tokens) {
        if (tokens < 0 || tokens > size - 1) {
            throw new IllegalArgumentException("cannot roll back " + tokens + " tokens: " + (size - 1) + " accepted");
        }
        size -= tokens;
    }
}
