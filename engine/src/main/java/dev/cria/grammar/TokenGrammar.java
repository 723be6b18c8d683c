package dev.cria.grammar;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Grammar} compiled against one vocabulary: the token trie and the cache of allowed-token
 * masks. Immutable to its users and safe to share between sequences and threads (the cache fills
 * as states are met); each sequence walks it with its own {@link GrammarState}.
 *
 * <h2>The mask cache</h2>
 * The idea is xgrammar's adaptive token-mask cache (and llguidance's point that most of a mask is
 * decided locally), in our own form. A state is a set of stacks; each stack's top frames decide most
 * tokens by themselves. For a stack, the <em>key</em> is its top {@value #CONTEXT_FRAMES} frames
 * (position and DFA state each). The key's entry is computed once by walking the whole token trie
 * from those frames alone, with the rest of the stack replaced by {@link ByteAutomaton#CONTEXT}:
 * <ul>
 * <li>a token some walk consumes entirely is <em>accepted</em> whatever lies below;</li>
 * <li>a token every walk refuses without ever popping into the unknown rest is <em>rejected</em>;</li>
 * <li>a token whose walk popped into the unknown rest (a string's closing quote, say, followed by
 *     what the enclosing object allows) is <em>uncertain</em>. Such tokens lie in whole trie
 *     subtrees (every walk died under a node after a pop); the entry keeps those subtree roots, and
 *     a mask walks each once from the real stack (its prefix, then the subtree with pruning).</li>
 * </ul>
 * The key does not depend on the depth of nesting, so a recursive grammar (a JSON tree) meets the
 * same keys at every depth. When a key's frames reach the real bottom of the stack, the entry is
 * exact. Entries are bitsets, or id lists when few tokens are accepted; at most
 * {@value #MAX_CACHED_KEYS} keys and about 8 MiB are kept per grammar, beyond that entries are
 * computed for the mask at hand and not stored.
 */
public final class TokenGrammar {
    /**
     * Frames of a stack's top that key a cache entry: enough to see past a string's or a number's
     * end. Measured on GrammarMaskBenchmark's three grammars (before the set memo): 1 frame leaves
     * most tokens uncertain (warm masks ~100x slower), 2 frames ~5x slower than 3, at about as many keys.
     */
    static final int CONTEXT_FRAMES = 3;
    static final int MAX_CACHED_KEYS = 4096;
    /** Bytes of cached entries per grammar; beyond it, entries are computed and not kept. */
    static final long MAX_CACHED_BYTES = 8L << 20;

    private final Grammar grammar;
    private final TokenVocabulary vocabulary;
    private final TokenTrie trie;
    private final ConcurrentHashMap<FrameKey, MaskEntry> cache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    private TokenGrammar(Grammar grammar, TokenVocabulary vocabulary, TokenTrie trie) {
        this.grammar = grammar;
        this.vocabulary = vocabulary;
        this.trie = trie;
    }

    /**
     * The grammar against the vocabulary. The vocabulary keeps the last
     * {@value TokenVocabulary#COMPILED_GRAMMARS_KEPT} compiled grammars by GBNF text, so compiling
     * the same text again (a schema sent with every request) returns the same instance, cache warm.
     */
    public static TokenGrammar compile(Grammar grammar, TokenVocabulary vocabulary) {
        TokenTrie trie = vocabulary.trie();
        return vocabulary.compiled(grammar.source, () -> new TokenGrammar(grammar, vocabulary, trie));
    }

    /** A new state at the start of {@code root}. */
    public GrammarState start() {
        return new TokenGrammarState(this);
    }

    public TokenVocabulary vocabulary() {
        return vocabulary;
    }

    TokenTrie trie() {
        return trie;
    }

    Grammar grammar() {
        return grammar;
    }

    /** Cache entries so far (for tests and benchmarks). */
    int cachedKeys() {
        return cache.size();
    }

    /** The entry for the stack whose top is {@code top} in {@code automaton}'s pool. */
    MaskEntry entry(ByteAutomaton automaton, int top) {
        FrameKey key = FrameKey.of(automaton, top);
        MaskEntry e = cache.get(key);
        if (e == null) {
            e = build(key);
            if (cache.size() < MAX_CACHED_KEYS && cachedBytes.get() < MAX_CACHED_BYTES) {
                MaskEntry raced = cache.putIfAbsent(key, e);
                if (raced != null) e = raced;
                else cachedBytes.addAndGet(e.bytes());
            }
        }
        return e;
    }

    /** Walks the whole trie from the key's frames alone (the rest of the stack unknown). */
    private MaskEntry build(FrameKey key) {
        ByteAutomaton a = new ByteAutomaton(grammar);
        int node = key.exact ? ByteAutomaton.BOTTOM : ByteAutomaton.CONTEXT;
        for (int f = key.frames.length - 1; f >= 0; f--) {
            node = a.node((int) (key.frames[f] >>> 32), (int) key.frames[f], node);
        }
        IntList accepted = new IntList();
        IntList uncertain = new IntList();
        walkTrie(a, trie, new TrieScratch(trie), 0, trie.nodes, a.singleSet(node), accepted, null, uncertain);
        int[] roots = uncertain.toArray();
        byte[][] prefixes = new byte[roots.length][];
        for (int i = 0; i < roots.length; i++) prefixes[i] = trie.prefix(roots[i]);
        return MaskEntry.of(accepted.toArray(), roots, prefixes, vocabulary.size());
    }

    /**
     * Walks trie nodes {@code [first, last)} (the whole trie, or one subtree) from the stack set
     * {@code startSet}, which has already read the bytes above {@code first}. Each token the walk
     * consumes entirely goes to {@code accepted} or into {@code mask}; each node where every walk
     * died after one popped into {@link ByteAutomaton#CONTEXT} goes to {@code uncertainRoots} (its
     * tokens and its whole subtree are for the real stack to decide). Dead subtrees are skipped
     * whole; shared prefixes are stepped once, and repeated sets step through the automaton's memo.
     */
    static void walkTrie(ByteAutomaton a, TokenTrie trie, TrieScratch scratch, int first, int last, int startSet,
                         IntList accepted, long[] mask, IntList uncertainRoots) {
        int base = trie.depth[first] - 1;
        int[] level = scratch.set;
        boolean[] contextSeen = scratch.contextSeen;
        level[0] = startSet;
        contextSeen[0] = false;
        byte[] label = trie.label;
        int[] depth = trie.depth, subtreeEnd = trie.subtreeEnd, tokenFirst = trie.tokenFirst, tokens = trie.tokens;
        for (int i = first; i < last; ) {
            int d = depth[i] - base;
            int next = a.stepSet(level[d - 1], label[i] & 0xFF);
            int live = a.setSize(next);
            boolean context = contextSeen[d - 1] || a.setContext(next);
            if (live > 0 || a.setComplete(next)) {
                for (int t = tokenFirst[i], end = tokenFirst[i + 1]; t < end; t++) {
                    int id = tokens[t];
                    if (mask != null) mask[id >>> 6] |= 1L << id;
                    else accepted.add(id);
                }
            }
            if (live == 0) {
                if (context && uncertainRoots != null) uncertainRoots.add(i);
                i = subtreeEnd[i];
                continue;
            }
            level[d] = next;
            contextSeen[d] = context;
            i++;
        }
    }

    /** A stack's top frames, each {@code pos << 32 | dfaState}; exact when they are the whole stack. */
    static final class FrameKey {
        final long[] frames;
        final boolean exact;
        private final int hash;

        private FrameKey(long[] frames, boolean exact) {
            this.frames = frames;
            this.exact = exact;
            this.hash = Arrays.hashCode(frames) * 31 + (exact ? 1 : 0);
        }

        static FrameKey of(ByteAutomaton a, int top) {
            long[] frames = new long[CONTEXT_FRAMES];
            int n = 0;
            int node = top;
            while (node >= 0 && n < CONTEXT_FRAMES) {
                frames[n++] = ((long) a.pos(node) << 32) | (a.sub(node) & 0xFFFFFFFFL);
                node = a.parent(node);
            }
            return new FrameKey(n == CONTEXT_FRAMES ? frames : Arrays.copyOf(frames, n), node == ByteAutomaton.BOTTOM);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FrameKey k && k.exact == exact && Arrays.equals(k.frames, frames);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * One key's tokens: accepted (a bitset or an id list), and the trie subtrees whose tokens the
     * real stack decides (a token there was refused by the key's frames only after popping below them).
     */
    static final class MaskEntry {
        final long[] acceptedBits; // null when sparse
        final int[] acceptedIds;   // null when dense
        final int[] uncertainRoots;
        final byte[][] rootPrefixes;

        private MaskEntry(long[] acceptedBits, int[] acceptedIds, int[] uncertainRoots, byte[][] rootPrefixes) {
            this.acceptedBits = acceptedBits;
            this.acceptedIds = acceptedIds;
            this.uncertainRoots = uncertainRoots;
            this.rootPrefixes = rootPrefixes;
        }

        static MaskEntry of(int[] accepted, int[] uncertainRoots, byte[][] rootPrefixes, int vocabSize) {
            if (accepted.length * 32L < vocabSize) return new MaskEntry(null, accepted, uncertainRoots, rootPrefixes);
            long[] bits = new long[(vocabSize + 63) >>> 6];
            for (int id : accepted) bits[id >>> 6] |= 1L << id;
            return new MaskEntry(bits, null, uncertainRoots, rootPrefixes);
        }

        long bytes() {
            long b = 64L + 8L * (acceptedBits == null ? 0 : acceptedBits.length) + 4L * (acceptedIds == null ? 0 : acceptedIds.length);
            for (byte[] p : rootPrefixes) b += 24 + p.length;
            return b + 4L * uncertainRoots.length;
        }

        void orInto(long[] mask) {
            if (acceptedBits != null) {
                for (int w = 0; w < acceptedBits.length; w++) mask[w] |= acceptedBits[w];
            } else {
                for (int id : acceptedIds) mask[id >>> 6] |= 1L << id;
            }
        }
    }

    /** Per-depth state of a trie walk: the stack set after each level's prefix. */
    static final class TrieScratch {
        final int[] set;
        final boolean[] contextSeen;

        TrieScratch(TokenTrie trie) {
            set = new int[trie.maxDepth + 1];
            contextSeen = new boolean[trie.maxDepth + 1];
        }
    }

    /** A growable int array (no boxing). */
    static final class IntList {
        int[] a = new int[64];
        int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
