package dev.cria.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence's walk through a {@link TokenGrammar}: the current set of stacks (tops of interned
 * nodes in this state's own {@link ByteAutomaton}), one entry per accepted token for
 * {@link #rollback}. {@link #accepts} walks the token's bytes only; {@link #allowedTokens} ORs the
 * cached entries of each stack's top frames and checks their uncertain tokens against the real stack.
 */
final class TokenGrammarState implements GrammarState {
    private final TokenGrammar grammar;
    private final byte[][] tokenBytes;
    private final boolean[] special;
    private final boolean[] end;
    private final int[] endIds;
    private final ByteAutomaton automaton;
    /** history.get(k): the stacks after k accepted tokens; the last is the current one. */
    private final List<Stacks> history = new ArrayList<>();
    private final int[] single = new int[1];
    private final TokenGrammar.TrieScratch scratch;

    /** A set of stacks: their tops, and whether some stack is empty (the text is a sentence). */
    private record Stacks(int[] tops, boolean complete) {
    }

    TokenGrammarState(TokenGrammar grammar) {
        this.grammar = grammar;
        TokenVocabulary v = grammar.vocabulary();
        this.tokenBytes = v.tokenBytes();
        this.special = v.special();
        this.endIds = v.endIds();
        this.end = new boolean[v.size()];
        for (int id : endIds) end[id] = true;
        this.automaton = new ByteAutomaton(grammar.grammar());
        this.scratch = new TokenGrammar.TrieScratch(grammar.trie());
        int[] tops = automaton.start();
        history.add(new Stacks(tops, automaton.complete));
    }

    private Stacks current() {
        return history.getLast();
    }

    @Override
    public boolean accepts(int token) {
        Stacks s = current();
        if (end[token]) return s.complete;
        if (special[token]) return false;
        return walk(s.tops, s.tops.length, tokenBytes[token]) >= 0;
    }

    /**
     * Walks {@code bytes} from the set {@code tops[0 .. count)}: -1 if refused, else the number of
     * resulting tops, which are then at {@code automaton.buf[walkOffset ..]} and
     * {@code automaton.complete} says whether the walk ends complete.
     */
    private int walk(int[] tops, int count, byte[] bytes) {
        if (bytes == null || bytes.length == 0 || count == 0) return -1;
        ByteAutomaton a = automaton;
        int n = a.stepFrom(tops, 0, count, bytes[0] & 0xFF, 0);
        int from = 0;
        for (int i = 1; i < bytes.length; i++) {
            if (n == 0) return -1;
            int dst = from + n;
            n = a.stepFrom(a.buf, from, n, bytes[i] & 0xFF, dst);
            from = dst;
        }
        walkOffset = from;
        return n > 0 || a.complete ? n : -1;
    }

    private int walkOffset;

    @Override
    public void accept(int token) {
        Stacks s = current();
        if (end[token]) {
            if (!s.complete) throw new IllegalStateException("end token " + token + " before the grammar is complete");
            history.add(new Stacks(new int[0], true));
            return;
        }
        int n = special[token] ? -1 : walk(s.tops, s.tops.length, tokenBytes[token]);
        if (n < 0) throw new IllegalStateException("the grammar does not accept token " + token);
        history.add(new Stacks(Arrays.copyOfRange(automaton.buf, walkOffset, walkOffset + n), automaton.complete));
    }

    @Override
    public void allowedTokens(long[] mask) {
        Arrays.fill(mask, 0L);
        Stacks s = current();
        TokenTrie trie = grammar.trie();
        for (int top : s.tops) {
            TokenGrammar.MaskEntry e = grammar.entry(automaton, top);
            e.orInto(mask);
            for (int r = 0; r < e.uncertainRoots.length; r++) {
                // the real stack reads the subtree's prefix, then walks the subtree as the cache did
                int root = e.uncertainRoots[r];
                byte[] prefix = e.rootPrefixes[r];
                int from = 0, count = 1;
                automaton.buf[0] = top;
                if (prefix.length > 0) {
                    single[0] = top;
                    count = walk(single, 1, prefix);
                    if (count <= 0) continue;
                    from = walkOffset;
                }
                TokenGrammar.walkTrie(automaton, trie, scratch, root, trie.subtreeEnd[root], from, count, null, mask, null);
            }
        }
        if (s.complete) {
            for (int id : endIds) mask[id >>> 6] |= 1L << id;
        }
    }

    @Override
    public boolean isComplete() {
        return current().complete;
    }

    @Override
    public boolean mustEnd() {
        Stacks s = current();
        return s.complete && s.tops.length == 0;
    }

    @Override
    public void rollback(int tokens) {
        if (tokens < 0 || tokens > history.size() - 1) {
            throw new IllegalArgumentException("cannot roll back " + tokens + " tokens: " + (history.size() - 1) + " accepted");
        }
        for (int i = 0; i < tokens; i++) history.removeLast();
    }
}
