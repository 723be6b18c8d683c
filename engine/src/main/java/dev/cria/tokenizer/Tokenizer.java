package dev.cria.tokenizer;

import dev.cria.util.ModelFormatException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Llama 3 tokenizer, byte-exact with llama.cpp ({@code llm_tokenizer_bpe}, pre-tokenizer
 * {@code llama-bpe}) and HF tokenizers: special-token partition → Llama 3 pre-tokenizer regex →
 * byte-level mapping → whole-word lookup ({@code ignore_merges}) → BPE by merge rank.
 * Immutable and thread-safe; one instance serves every request.
 *
 * <p>Special tokens are the vocabulary's {@link Vocabulary#CONTROL} and {@link Vocabulary#USER_DEFINED}
 * tokens (by type, never by id range). They render as their own text and are matched whole in
 * the input only when asked to ({@code allowSpecial}); USER_DEFINED ones are always matched, as in
 * llama.cpp's {@code tokenizer_st_partition}.
 */
public final class Tokenizer {
    private static final int WORD_CACHE_LIMIT = 1 << 16;
    /** Longer words are merged every time: they rarely repeat and would make the cache's memory unbounded. */
    private static final int WORD_CACHE_MAX_BYTES = 64;
    private static final int[] NO_IDS = new int[0];

    private final Vocabulary vocab;
    private final int[] types;
    private final byte[][] pieces;
    /**
     * Token string → id for the whole-word lookup and the merges; the last id wins on a duplicate,
     * as in llama.cpp's token_to_id. CONTROL tokens are left out, so plain text can never yield a
     * control id (HF looks words up in model.vocab only, which has no added tokens either).
     */
    private final HashMap<String, Integer> ids;
    private final int[] byteToken = new int[256];
    private final MergeTable merges;
    private final Map<String, Integer> specialIds = new HashMap<>();
    private final SpecialTokenPartition allSpecials;
    private final SpecialTokenPartition userDefinedOnly;
    private final ConcurrentHashMap<String, int[]> wordCache = new ConcurrentHashMap<>();

    public Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        String[] tokens = vocab.tokens();
        this.types = vocab.tokenTypes();
        int n = tokens.length;
        pieces = new byte[n][];
        ids = HashMap.newHashMap(n);
        List<Integer> splittable = new ArrayList<>();
        List<Integer> userDefined = new ArrayList<>();
        for (int id = 0; id < n; id++) {
            String t = tokens[id];
            if (types[id] != Vocabulary.CONTROL) ids.put(t, id);
            pieces[id] = switch (types[id]) {
                // llama.cpp token_to_piece (BPE vocab): special and user-defined text verbatim,
                // normal tokens byte-decoded, BYTE/UNUSED render nothing.
                case Vocabulary.CONTROL, Vocabulary.USER_DEFINED, Vocabulary.UNKNOWN -> t.getBytes(StandardCharsets.UTF_8);
                case Vocabulary.BYTE, Vocabulary.UNUSED -> new byte[0];
                default -> ByteLevel.decode(t);
            };
            if (isSpecialType(types[id]) && !t.isEmpty()) {
                specialIds.putIfAbsent(t, id);
                splittable.add(id);
                if (types[id] == Vocabulary.USER_DEFINED) userDefined.add(id);
            }
        }
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.valueOf(ByteLevel.BYTE_TO_CHAR[b]));
            if (id == null) {
                throw new ModelFormatException("tokenizer: no token for byte 0x" + Integer.toHexString(b)
                        + " ('" + ByteLevel.BYTE_TO_CHAR[b] + "'); not a byte-level BPE vocabulary");
            }
            byteToken[b] = id;
        }
        String[] m = vocab.merges();
        merges = new MergeTable(m.length);
        for (int rank = 0; rank < m.length; rank++) {
            String s = m[rank];
            int sp = s.indexOf(' ', 1);  // llama.cpp: find(' ', 1), so a part may start with a space
            if (sp < 0) throw new ModelFormatException("tokenizer: merge " + rank + " " + ModelFormatException.quote(s) + " is not 'left right'");
            Integer left = ids.get(s.substring(0, sp));
            Integer right = ids.get(s.substring(sp + 1));
            Integer merged = ids.get(s.substring(0, sp) + s.substring(sp + 1));
            // A merge whose parts or result are not tokens can never yield a token: skip it.
            if (left != null && right != null && merged != null) merges.put(left, right, rank, merged);
        }
        allSpecials = new SpecialTokenPartition(tokens, splittable);
        userDefinedOnly = new SpecialTokenPartition(tokens, userDefined);
    }

    /**
     * The tokenizer of a Hugging Face tokenizer.json ({@link Vocabulary#fromHfTokenizerJson}); a vocabulary
     * this class rejects fails naming the file, as every problem of the file itself does.
     */
    public static Tokenizer fromHfTokenizerJson(Path tokenizerJson) {
        Vocabulary vocab = Vocabulary.fromHfTokenizerJson(tokenizerJson);
        try {
            return new Tokenizer(vocab);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(tokenizerJson.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static boolean isSpecialType(int type) {
        return type == Vocabulary.CONTROL || type == Vocabulary.USER_DEFINED;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    public int vocabSize() {
        return pieces.length;
    }

    public int bosId() {
        return vocab.bosId();
    }

    public int[] eosIds() {
        return vocab.eosIds().clone();
    }

    public boolean addBos() {
        return vocab.addBos();
    }

    /** True for CONTROL and USER_DEFINED tokens (rendered from their text, matched whole in input). */
    public boolean isSpecial(int id) {
        return id >= 0 && id < types.length && isSpecialType(types[id]);
    }

    /** The id of the special token whose text is exactly {@code text} (e.g. {@code "<|eot_id|>"}), or -1. */
    public int specialId(String text) {
        Integer id = specialIds.get(text);
        return id == null ? -1 : id;
    }

    /** The token string as stored (byte-level form for ordinary tokens). */
    public String tokenString(int id) {
        checkId(id);
        return vocab.tokens()[id];
    }

    /** The bytes a token stands for (a copy): byte-decoded for ordinary tokens, UTF-8 text for special ones. */
    public byte[] tokenBytes(int id) {
        checkId(id);
        return pieces[id].clone();
    }

    /** Internal, no copy: callers in this package must not modify it. */
    byte[] piece(int id) {
        checkId(id);
        return pieces[id];
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (size " + pieces.length + ")");
        }
    }

    /** A fresh per-request incremental decoder. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    /** All tokens' bytes concatenated and decoded; ill-formed UTF-8 → U+FFFD (maximal subparts). */
    public String decode(int[] tokenIds) {
        return decode(tokenIds, false);
    }

    /** As {@link #decode} but CONTROL tokens are left out (HF {@code skip_special_tokens}, llama.cpp {@code special=false}). */
    public String decodeSkipSpecial(int[] tokenIds) {
        return decode(tokenIds, true);
    }

    private String decode(int[] tokenIds, boolean skipControl) {
        int total = 0;
        for (int id : tokenIds) total += piece(id).length;
        byte[] buf = new byte[total];
        int n = 0;
        for (int id : tokenIds) {
            if (skipControl && types[id] == Vocabulary.CONTROL) continue;
            byte[] p = pieces[id];
            System.arraycopy(p, 0, buf, n, p.length);
            n += p.length;
        }
        StringBuilder sb = new StringBuilder(n);
        Utf8Decoding.decode(buf, 0, n, true, sb);
        return sb.toString();
    }

    /**
     * Token ids of {@code text}, without BOS. With {@code allowSpecial}, the text of a special
     * token becomes its id; without, it is tokenized as plain text (USER_DEFINED tokens excepted,
     * as in llama.cpp).
     */
    public int[] encode(String text, boolean allowSpecial) {
        if (text.isEmpty()) return NO_IDS;
        Scratch s = new Scratch(text.length());
        SpecialTokenPartition partition = allowSpecial ? allSpecials : userDefinedOnly;
        int[] found = partition.find(text);
        int from = 0;
        for (int k = 0; k < found.length; k += 2) {
            int at = found[k];
            int id = found[k + 1];
            if (at > from) encodeText(text, from, at, s);
            s.out.add(id);
            from = at + vocab.tokens()[id].length();
        }
        if (from < text.length()) encodeText(text, from, text.length(), s);
        return s.out.toArray();
    }

    /** Per-call working memory: one allocation set per encode call, nothing per word. */
    private static final class Scratch {
        final IntList out;
        final IntList ends = new IntList(64);
        int[] cps;
        byte[] flags;
        char[] chars = new char[64];
        byte[] bytes = new byte[64];
        final WordBpe bpe = new WordBpe();

        Scratch(int textLength) {
            out = new IntList(textLength / 3 + 8);
            cps = new int[Math.min(textLength, 1 << 20) + 1];
            flags = new byte[cps.length];
        }
    }

    private void encodeText(String text, int from, int to, Scratch s) {
        int len = to - from;
        if (s.cps.length < len) {
            s.cps = new int[len];
            s.flags = new byte[len];
        }
        int[] cps = s.cps;
        byte[] fl = s.flags;
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                cp = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                cp = 0xFFFD; // a lone surrogate has no UTF-8 form
            }
            cps[n] = cp;
            fl[n] = Llama3PreTokenizer.flags(cp);
            n++;
        }
        s.ends.clear();
        Llama3PreTokenizer.split(cps, fl, 0, n, s.ends);
        int start = 0;
        for (int w = 0; w < s.ends.size; w++) {
            int end = s.ends.a[w];
            encodeWord(cps, start, end, s);
            start = end;
        }
    }

    private void encodeWord(int[] cps, int from, int to, Scratch s) {
        int maxBytes = (to - from) * 4;
        if (s.bytes.length < maxBytes) {
            s.bytes = new byte[maxBytes * 2];
            s.chars = new char[maxBytes * 2];
        }
        byte[] b = s.bytes;
        char[] ch = s.chars;
        int n = 0;
        for (int i = from; i < to; i++) {
            int cp = cps[i];
            if (cp < 0x80) {
                b[n++] = (byte) cp;
            } else if (cp < 0x800) {
                b[n++] = (byte) (0xC0 | (cp >> 6));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                b[n++] = (byte) (0xE0 | (cp >> 12));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                b[n++] = (byte) (0xF0 | (cp >> 18));
                b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[n++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        if (n == 1) {
            s.out.add(byteToken[b[0] & 0xFF]);
            return;
        }
        for (int i = 0; i < n; i++) ch[i] = ByteLevel.BYTE_TO_CHAR[b[i] & 0xFF];
        String word = new String(ch, 0, n);
        if (vocab.ignoreMerges()) {
            Integer id = ids.get(word);
            if (id != null) {
                s.out.add(id);
                return;
            }
        }
        int[] cached = n <= WORD_CACHE_MAX_BYTES ? wordCache.get(word) : null;
        if (cached == null) {
            cached = s.bpe.merge(b, n, byteToken, merges);
            if (n <= WORD_CACHE_MAX_BYTES) {
                if (wordCache.size() >= WORD_CACHE_LIMIT) wordCache.clear();
                wordCache.put(word, cached);
            }
        }
        for (int id : cached) s.out.add(id);
    }
}
