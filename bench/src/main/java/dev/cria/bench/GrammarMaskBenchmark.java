package dev.cria.bench;

import dev.cria.grammar.Grammar;
import dev.cria.grammar.GrammarState;
import dev.cria.grammar.TokenGrammar;
import dev.cria.grammar.TokenVocabulary;
import dev.cria.loader.ModelLoader;
import dev.cria.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Grammar-constrained decoding cost per token on the real Llama 3 vocabulary (128,256 tokens):
 * {@code mask} is one full allowed-token mask ({@code GrammarState.allowedTokens}) averaged over
 * every position of a tokenized document, {@code accepts} one fast-path check of the document's
 * own next token. Three grammars in GBNF: a flat object of 10 properties, nested objects with
 * arrays, and a recursive JSON tree. Masks are measured warm (the mask cache filled by a first
 * pass over the document, whose time the setup prints with the trie's build time); {@code parse}
 * is the GBNF compile.
 * Run: {@code bin/jmh GrammarMask -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrammarMaskBenchmark {
    static final String COMMON = """
            string ::= "\\"" ([^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4}))* "\\"" ws
            integer ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ws
            number ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,16})? ws
            boolean ::= ("true" | "false") ws
            ws ::= | " " | "\\n" [ \\t]{0,20}
            """;

    static final String FLAT = """
            root ::= ("{" ws "\\"name\\"" ws ":" ws string "," ws "\\"age\\"" ws ":" ws integer "," ws
                     "\\"email\\"" ws ":" ws string "," ws "\\"active\\"" ws ":" ws boolean "," ws
                     "\\"score\\"" ws ":" ws number "," ws "\\"city\\"" ws ":" ws string "," ws
                     "\\"zip\\"" ws ":" ws string "," ws "\\"tags\\"" ws ":" ws "[" ws (string ("," ws string)*)? "]" ws "," ws
                     "\\"nickname\\"" ws ":" ws (string | "null" ws) "," ws "\\"id\\"" ws ":" ws integer "}" ws)
            """ + COMMON;
    static final String FLAT_DOC = "{\"name\": \"Ada Lovelace\", \"age\": 36, \"email\": \"ada@example.org\", \"active\": true, "
            + "\"score\": 99.5, \"city\": \"London\", \"zip\": \"W1 4AB\", \"tags\": [\"math\", \"engines\", \"poetry\"], "
            + "\"nickname\": null, \"id\": 1815}";

    static final String NESTED = """
            root ::= "{" ws "\\"customer\\"" ws ":" ws customer "," ws "\\"orders\\"" ws ":" ws "[" ws (order ("," ws order)*)? "]" ws "}" ws
            customer ::= "{" ws "\\"name\\"" ws ":" ws string "," ws "\\"tags\\"" ws ":" ws "[" ws (string ("," ws string)*)? "]" ws "}" ws
            order ::= "{" ws "\\"id\\"" ws ":" ws integer "," ws "\\"items\\"" ws ":" ws "[" ws (item ("," ws item)*)? "]" ws "}" ws
            item ::= "{" ws "\\"sku\\"" ws ":" ws string "," ws "\\"qty\\"" ws ":" ws integer "," ws "\\"price\\"" ws ":" ws number "}" ws
            """ + COMMON;
    static final String NESTED_DOC = "{\"customer\": {\"name\": \"Grace Hopper\", \"tags\": [\"navy\", \"cobol\"]}, \"orders\": ["
            + "{\"id\": 1, \"items\": [{\"sku\": \"A-100\", \"qty\": 2, \"price\": 9.99}, {\"sku\": \"B-7\", \"qty\": 1, \"price\": 120}]}, "
            + "{\"id\": 2, \"items\": []}]}";

    static final String RECURSIVE = """
            root ::= value
            value ::= object | array | string | number | ("true" | "false" | "null") ws
            object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
            array ::= "[" ws ( value ("," ws value)* )? "]" ws
            """ + COMMON;
    static final String RECURSIVE_DOC = "{\"name\": \"root\", \"children\": [{\"name\": \"a\", \"children\": [{\"name\": \"a1\", "
            + "\"children\": []}, {\"name\": \"a2\", \"value\": 3.5e2}]}, {\"name\": \"b\", \"children\": [[1, 2, [3, {\"deep\": true}]]]}]}";

    @Param({"flat", "nested", "recursive"})
    public String grammar;

    private String gbnf;
    private GrammarState[] states;
    private int[] next;
    private long[] mask;
    private int position;

    @Setup(Level.Trial)
    public void setup() {
        Path testdata = Path.of(System.getProperty("cria.testdata", "testdata"));
        Tokenizer tokenizer = ModelLoader.loadTokenizer(testdata.resolve("models/tiny-llama3-F16.gguf"));
        TokenVocabulary vocabulary = vocabularyOf(tokenizer);
        gbnf = switch (grammar) {
            case "flat" -> FLAT;
            case "nested" -> NESTED;
            default -> RECURSIVE;
        };
        String doc = switch (grammar) {
            case "flat" -> FLAT_DOC;
            case "nested" -> NESTED_DOC;
            default -> RECURSIVE_DOC;
        };
        long t0 = System.nanoTime();
        TokenGrammar.compile(Grammar.parse("root ::= \"x\""), vocabulary); // the trie, built once per vocabulary
        long t1 = System.nanoTime();
        TokenGrammar compiled = TokenGrammar.compile(Grammar.parse(gbnf), vocabulary);
        long t2 = System.nanoTime();
        next = tokenizer.encode(doc, false);
        states = new GrammarState[next.length];
        for (int i = 0; i < next.length; i++) {
            GrammarState s = compiled.start();
            for (int k = 0; k < i; k++) s.accept(next[k]);
            states[i] = s;
        }
        mask = new long[(vocabulary.size() + 63) / 64];
        long t3 = System.nanoTime();
        for (GrammarState s : states) s.allowedTokens(mask); // cold: fills the mask cache
        long t4 = System.nanoTime();
        System.out.printf("%n[%s] token trie %.1f ms, first grammar compile (cold JIT) %.2f ms, %d tokens, cold first pass %.1f ms (%.2f ms/token)%n",
                grammar, (t1 - t0) / 1e6, (t2 - t1) / 1e6, next.length, (t4 - t3) / 1e6, (t4 - t3) / 1e6 / next.length);
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

    /** GBNF text to a grammar (what a new schema costs before its first mask; the trie is shared). */
    @Benchmark
    public Grammar parse() {
        return Grammar.parse(gbnf);
    }

    /** One full mask at the next document position (cycling). */
    @Benchmark
    public long[] mask() {
        int i = position;
        position = i + 1 == states.length ? 0 : i + 1;
        states[i].allowedTokens(mask);
        return mask;
    }

    /** The sampler's fast path: is the sampled token (here the document's own) allowed? */
    @Benchmark
    public boolean accepts() {
        int i = position;
        position = i + 1 == states.length ? 0 : i + 1;
        return states[i].accepts(next[i]);
    }
}
