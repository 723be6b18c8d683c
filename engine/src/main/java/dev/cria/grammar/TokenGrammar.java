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
    /** The automaton cache entries are built with (under this object's lock). */
    private ByteAutomaton builder;

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

    /**
     * {@link #compile(Grammar, TokenVocabulary)} from GBNF text, parsed only when the vocabulary has not
     * kept a grammar of that text. @throws GrammarException as {@link Grammar#parse} does
     */
    public static TokenGrammar compile(String gbnf, TokenVocabulary vocabulary) {
        TokenTrie trie = vocabulary.trie();
        return vocabulary.compiled(gbnf, () -> new TokenGrammar(Grammar.parse(gbnf), vocabulary, trie));
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
        return entry(FrameKey.of(automaton, top));
    }

    private MaskEntry entry(FrameKey key) {
        MaskEntry e = cache.get(key);
        if (e != null) return e;
        // Builds are rare (once per key) and share one automaton, so that its interned sets and
        // memoized steps carry over from key to key; other threads keep reading the cache meanwhile.
        synchronized (this) {
            e = cache.get(key);
            if (e != null) return e;
            e = build(key);
            if (cache.size() < MAX_CACHED_KEYS && cachedBytes.get() < MAX_CACHED_BYTES) {
                cache.put(key, e);
                cachedBytes.addAndGet(e.bytes());
            }
            return e;
        }
    }

    /**
     * A key's entry. One frame, rest unknown: a walk of the whole trie. More frames (or the same
     * frames known to be the whole stack): the entry of the key with one frame less (or the rest
     * unknown), refined: what it accepts stays accepted, what it rejects stays rejected, and only
     * its uncertain subtrees are walked again from the longer chain. So the whole-trie walk is done
     * once per top frame, whatever the frames below it, and the longer keys cost only their
     * uncertain subtrees. On GrammarMaskBenchmark's documents this halved the automaton steps that
     * miss the memo in a cold grammar's first pass (41k to 22k flat, 52k to 21k nested, 38k to 14k
     * recursive; trie nodes visited about the same, ~350k), with about twice the keys.
     */
    private MaskEntry build(FrameKey key) {
        if (builder == null) builder = new ByteAutomaton(grammar);
        ByteAutomaton a = builder;
        int node = key.exact ? ByteAutomaton.BOTTOM : ByteAutomaton.CONTEXT;
        for (int f = key.frames.length - 1; f >= 0; f--) {
            node = a.node((int) (key.frames[f] >>> 32), (int) key.frames[f], node);
        }
        int start = a.singleSet(node);
        long[] accepted = new long[(vocabulary.size() + 63) >>> 6];
        IntList uncertain = new IntList();
        TrieScratch scratch = new TrieScratch(trie);
        FrameKey shorter = key.shorter();
        if (shorter == null) {
            walkTrie(a, trie, scratch, 0, trie.nodes, start, false, accepted, uncertain);
        } else {
            MaskEntry known = entry(shorter);
            known.orInto(accepted);
            for (int r = 0; r < known.uncertainRoots.length; r++) {
                int root = known.uncertainRoots[r];
                int set = start;
                boolean context = false;
                for (byte b : known.rootPrefixes[r]) {
                    set = a.stepSet(set, b & 0xFF);
                    context |= a.setContext(set);
                    if (a.setSize(set) == 0) break;
                }
                if (a.setSize(set) > 0) {
                    walkTrie(a, trie, scratch, root, trie.subtreeEnd[root], set, context, accepted, uncertain);
                } else if (context) {
                    uncertain.add(root);
                }
            }
        }
        int[] roots = uncertain.toArray();
        byte[][] prefixes = new byte[roots.length][];
        for (int i = 0; i < roots.length; i++) prefixes[i] = trie.prefix(roots[i]);
        return MaskEntry.of(accepted, roots, prefixes);
    }

    /**
     * Walks trie nodes {@code [first, last)} (the whole trie, or one subtree) from the stack set
     * {@code startSet}, which has already read the bytes above {@code first} ({@code contextAbove}:
     * and popped into the unknown on the way). Each token the walk consumes entirely is set in
     * {@code mask}; each node where every walk
     * died after one popped into {@link ByteAutomaton#CONTEXT} goes to {@code uncertainRoots} (its
     * tokens and its whole subtree are for the real stack to decide). Dead subtrees are skipped
     * whole; shared prefixes are stepped once, and repeated sets step through the automaton's memo.
     */
    static void walkTrie(ByteAutomaton a, TokenTrie trie, TrieScratch scratch, int first, int last, int startSet,
                         boolean contextAbove, long[] mask, IntList uncertainRoots) {
        int base = trie.depth[first] - 1;
        int[] level = scratch.set;
        boolean[] contextSeen = scratch.contextSeen;
        level[0] = startSet;
        contextSeen[0] = contextAbove;
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
                    mask[id >>> 6] |= 1L << id;
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

        /** The key this one refines: the rest unknown if exact, else one frame less; null for one unknown-rest frame. */
        FrameKey shorter() {
            if (exact) return new FrameKey(frames, false);
            return frames.length > 1 ? new FrameKey(Arrays.copyOf(frames, frames.length - 1), false) : null;
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

        /** Keeps {@code accepted} as it is, or as an id list when fewer than 1 in 32 tokens are set. */
        static MaskEntry of(long[] accepted, int[] uncertainRoots, byte[][] rootPrefixes) {
            long count = 0;
            for (long w : accepted) count += Long.bitCount(w);
            if (count * 32L >= accepted.length * 64L) return new MaskEntry(accepted, null, uncertainRoots, rootPrefixes);
            int[] ids = new int[(int) count];
            int k = 0;
            for (int w = 0; w < accepted.length; w++) {
                for (long bits = accepted[w]; bits != 0; bits &= bits - 1) ids[k++] = (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            return new MaskEntry(null, ids, uncertainRoots, rootPrefixes);
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
