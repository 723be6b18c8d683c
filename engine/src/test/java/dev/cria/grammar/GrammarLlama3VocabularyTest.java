package dev.cria.grammar;

import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime on the real Llama 3 vocabulary (128,256 tokens, from the tiny test model): at every
 * step of real tokenized documents, the mask (cache entries plus uncertain checks) equals
 * {@code accepts} token by token, the document's own next token is allowed, and end ids come only
 * at the end.
 */
class GrammarLlama3VocabularyTest {
    private static Tokenizer tokenizer;
    private static TokenVocabulary vocabulary;

    @BeforeAll
    static void load() {
        tokenizer = ModelLoader.loadTokenizer(Path.of(System.getProperty("cria.testdata"), "models/tiny-llama3-Q8_0.gguf"));
        vocabulary = vocabularyOf(tokenizer);
    }

    static TokenVocabulary vocabularyOf(Tokenizer t) {
        int n = t.vocabSize();
        byte[][] bytes = new byte[n][];
        boolean[] special = new boolean[n];
        for (int id = 0; id < n; id++) {
            bytes[id] = t.tokenBytes(id);
            special[id] = t.isSpecial(id);
        }
        int[] ends = IntStream.concat(Arrays.stream(t.eosIds()), IntStream.of(t.specialId("<|eot_id|>"))).distinct().toArray();
        return new TokenVocabulary(bytes, special, ends);
    }

    static final String FLAT_OBJECT = """
            root ::= ("{" ws "\\"name\\"" ws ":" ws string "," ws "\\"age\\"" ws ":" ws integer "," ws
                     "\\"email\\"" ws ":" ws string "," ws "\\"active\\"" ws ":" ws boolean "," ws
                     "\\"score\\"" ws ":" ws number "," ws "\\"city\\"" ws ":" ws string "," ws
                     "\\"zip\\"" ws ":" ws string "," ws "\\"tags\\"" ws ":" ws "[" ws (string ("," ws string)*)? "]" ws "," ws
                     "\\"nickname\\"" ws ":" ws (string | "null" ws) "," ws "\\"id\\"" ws ":" ws integer "}" ws)
            string ::= "\\"" ([^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}))* "\\"" ws
            integer ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ws
            number ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,16})? ws
            boolean ::= ("true" | "false") ws
            ws ::= | " " | "\\n" [ \\t]{0,20}
            """;

    static final String FLAT_DOC = "{\"name\": \"Ada Lovelace\", \"age\": 36, \"email\": \"ada@example.org\", \"active\": true, "
            + "\"score\": 99.5, \"city\": \"Londres — 日本\", \"zip\": \"W1\", \"tags\": [\"math\", \"engines\"], "
            + "\"nickname\": null, \"id\": 1815}";

    static final String JSON_TREE_DOC = "{\"a\": [1, {\"b\": {\"c\": [true, false, null, \"x\\u00e9\"]}}, -2.5e3],\n  \"d\": {}}";

    private static void walkAndCompare(String gbnf, String doc, int checkEvery) {
        TokenGrammar g = TokenGrammar.compile(Grammar.parse(gbnf), vocabulary);
        GrammarState s = g.start();
        int[] ids = tokenizer.encode(doc, false);
        long[] mask = new long[(vocabulary.size() + 63) / 64];
        for (int i = 0; i < ids.length; i++) {
            if (i % checkEvery == 0) {
                s.allowedTokens(mask);
                assertMaskIsAccepts(s, mask);
                assertThat(bit(mask, ids[i])).as("document token %d (%s) allowed", i, tokenizer.tokenString(ids[i])).isTrue();
                for (int end : vocabulary.endIds()) assertThat(bit(mask, end)).isEqualTo(s.isComplete());
            }
            assertThat(s.accepts(ids[i])).isTrue();
            s.accept(ids[i]);
        }
        assertThat(s.isComplete()).isTrue();
        s.allowedTokens(mask);
        assertMaskIsAccepts(s, mask);
        for (int end : vocabulary.endIds()) assertThat(bit(mask, end)).isTrue();
        assertThat(bit(mask, tokenizer.specialId("<|python_tag|>"))).isFalse();
    }

    private static void assertMaskIsAccepts(GrammarState s, long[] mask) {
        for (int t = 0; t < vocabulary.size(); t++) {
            if (bit(mask, t) != s.accepts(t)) {
                throw new AssertionError("token " + t + " (" + tokenizer.tokenString(t) + "): mask " + bit(mask, t) + ", accepts " + s.accepts(t));
            }
        }
    }

    private static boolean bit(long[] mask, int t) {
        return (mask[t >>> 6] & (1L << t)) != 0;
    }

    @Test
    void aFlatObjectMasksEqualAcceptsAtEveryStep() {
        walkAndCompare(FLAT_OBJECT, FLAT_DOC, 1);
    }

    @Test
    void aRecursiveJsonGrammarMasksEqualAcceptsAtEveryStep() {
        walkAndCompare(GrammarParseTest.JSON, JSON_TREE_DOC, 1);
    }

    @Test
    void aGrammarOfFreeTextWithClassesAndBoundedRepeats() {
        walkAndCompare("""
                root ::= line{1,3}
                line ::= "- " [^\\n]{1,60} "\\n"
                """, "- café au lait\n- 日本語のテキスト\n", 2);
    }

    @Test
    void aByteTokenMayStopInsideACharacter() {
        int e6 = byteToken(0xE6), x97 = byteToken(0x97), xa5 = byteToken(0xA5);
        GrammarState s = TokenGrammar.compile(Grammar.parse("root ::= \"日\""), vocabulary).start();
        s.accept(e6);
        s.accept(x97);
        assertThat(s.isComplete()).isFalse();
        long[] mask = new long[(vocabulary.size() + 63) / 64];
        s.allowedTokens(mask);
        assertThat(IntStream.range(0, vocabulary.size()).filter(t -> bit(mask, t)).toArray()).containsExactly(xa5);
        s.accept(xa5);
        assertThat(s.mustEnd()).isTrue();
    }

    private static int byteToken(int b) {
        for (int id = 0; id < vocabulary.size(); id++) {
            byte[] t = vocabulary.tokenBytes()[id];
            if (!vocabulary.special()[id] && t.length == 1 && (t[0] & 0xFF) == b) return id;
        }
        throw new AssertionError("no token for byte " + b);
    }

    @Test
    void randomWalksThroughTheMaskAlwaysEndInASentenceOfTheGrammar() {
        // what the sampler does: draw among the allowed tokens; whatever is drawn, the text stays a
        // prefix of the grammar, and once an end id is drawn it is a whole sentence (Grammar.matches)
        Grammar grammar = Grammar.parse(FLAT_OBJECT);
        TokenGrammar g = TokenGrammar.compile(grammar, vocabulary);
        long[] mask = new long[(vocabulary.size() + 63) / 64];
        for (long seed = 1; seed <= 3; seed++) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            GrammarState s = g.start();
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            boolean ended = false;
            for (int step = 0; step < 400 && !ended; step++) {
                s.allowedTokens(mask);
                if (step % 25 == 0) assertMaskIsAccepts(s, mask);
                int[] allowed = IntStream.range(0, vocabulary.size()).filter(t -> bit(mask, t)).toArray();
                assertThat(allowed).as("some token is always allowed").isNotEmpty();
                if (s.isComplete()) { // end as soon as the sampler may
                    assertThat(bit(mask, vocabulary.endIds()[0])).isTrue();
                    ended = true;
                    break;
                }
                // mostly the lowest allowed ids (single bytes and punctuation) so that strings close
                int pick = random.nextInt(4) == 0 ? allowed[random.nextInt(allowed.length)] : allowed[random.nextInt(Math.min(allowed.length, 8))];
                s.accept(pick);
                text.writeBytes(vocabulary.tokenBytes()[pick]);
            }
            assertThat(ended).as("seed %d ended within 400 tokens", seed).isTrue();
            assertThat(grammar.matches(text.toByteArray())).as("seed %d: %s", seed, text.toString(java.nio.charset.StandardCharsets.UTF_8)).isTrue();
        }
    }
}
