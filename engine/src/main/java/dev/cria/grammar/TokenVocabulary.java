package dev.cria.grammar;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the grammar engine needs of a model's vocabulary, as plain data: each token's bytes, which
 * ids are special (never produced by a grammar's text) and which ids end a generation (allowed
 * exactly when the grammar is complete).
 *
 * <p>A final class rather than a record so that it can carry its {@link TokenTrie}, built once on
 * first use and shared by every grammar compiled against this vocabulary (the engine makes one
 * vocabulary and compiles many grammars). The arrays are the caller's and must not change after.
 *
 * @see #TokenVocabulary(byte[][], boolean[], int[])
 */
public final class TokenVocabulary {
    private final byte[][] tokenBytes;
    private final boolean[] special;
    private final int[] endIds;
    /** isEnd[id]: id is an end id (shared by every state, not rebuilt per sequence). */
    final boolean[] isEnd;
    private volatile TokenTrie trie;
    /**
     * Recently compiled grammars by GBNF text, so a schema sent with every request keeps its warm mask
     * cache: the one cache of compiled grammars (the server and the library API compile through it).
     * At most {@value #COMPILED_GRAMMARS_KEPT} × {@link TokenGrammar#MAX_CACHED_BYTES} of masks are held.
     */
    private final Map<String, TokenGrammar> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenGrammar> eldest) {
            return size() > COMPILED_GRAMMARS_KEPT;
        }
    };
    static final int COMPILED_GRAMMARS_KEPT = 32;

    /**
     * @param tokenBytes the bytes each ordinary token stands for (byte-decoded), indexed by id
     * @param special    true for control tokens ({@code <|eot_id|>}, {@code <|python_tag|>}, ...)
     * @param endIds     end-of-generation ids ({@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>})
     */
    public TokenVocabulary(byte[][] tokenBytes, boolean[] special, int[] endIds) {
        if (tokenBytes.length != special.length) {
            throw new IllegalArgumentException("tokenBytes and special differ in length");
        }
        for (int id : endIds) {
            if (id < 0 || id >= tokenBytes.length) throw new IllegalArgumentException("end id " + id + " outside the vocabulary");
        }
        this.tokenBytes = tokenBytes;
        this.special = special;
        this.endIds = endIds;
        this.isEnd = new boolean[tokenBytes.length];
        for (int id : endIds) isEnd[id] = true;
    }

    public byte[][] tokenBytes() {
        return tokenBytes;
    }

    public boolean[] special() {
        return special;
    }

    public int[] endIds() {
        return endIds;
    }

    public int size() {
        return tokenBytes.length;
    }

    /** The grammar compiled from this GBNF text before, if still kept, else a new one (then kept). */
    TokenGrammar compiled(String gbnf, Supplier<TokenGrammar> compile) {
        synchronized (compiled) {
            TokenGrammar g = compiled.get(gbnf);
            if (g != null) return g;
        }
        TokenGrammar g = compile.get();
        synchronized (compiled) {
            TokenGrammar raced = compiled.putIfAbsent(gbnf, g);
            return raced != null ? raced : g;
        }
    }

    /** The trie of the ordinary tokens, built on first use (about 0.1 s for 128k tokens) and kept. */
    TokenTrie trie() {
        TokenTrie t = trie;
        if (t == null) {
            synchronized (this) {
                t = trie;
                if (t == null) trie = t = TokenTrie.build(this);
            }
        }
        return t;
    }
}
