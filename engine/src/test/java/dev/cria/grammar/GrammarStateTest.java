package dev.cria.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token-level runtime on a small hand-made vocabulary: what a sequence may produce, token by token. */
class GrammarStateTest {
    /** A vocabulary of the given strings (and raw byte tokens), then END and a special token. */
    static final class Vocab {
        final List<byte[]> bytes = new ArrayList<>();

        Vocab add(String... texts) {
            for (String t : texts) bytes.add(t.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Vocab addBytes(int... raw) {
            byte[] b = new byte[raw.length];
            for (int i = 0; i < raw.length; i++) b[i] = (byte) raw[i];
            bytes.add(b);
            return this;
        }

        int id(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.size(); i++) if (java.util.Arrays.equals(bytes.get(i), b)) return i;
            throw new IllegalArgumentException(text);
        }

        int end() {
            return bytes.size();
        }

        int special() {
            return bytes.size() + 1;
        }

        TokenVocabulary build() {
            int n = bytes.size() + 2;
            byte[][] tb = new byte[n][];
            for (int i = 0; i < bytes.size(); i++) tb[i] = bytes.get(i);
            tb[n - 2] = "<|eot_id|>".getBytes(StandardCharsets.UTF_8);
            tb[n - 1] = "ab".getBytes(StandardCharsets.UTF_8); // a special token whose text the grammar would take
            boolean[] special = new boolean[n];
            special[n - 2] = true;
            special[n - 1] = true;
            return new TokenVocabulary(tb, special, new int[]{n - 2});
        }
    }

    private static GrammarState start(String gbnf, TokenVocabulary v) {
        return TokenGrammar.compile(Grammar.parse(gbnf), v).start();
    }

    private static boolean allowed(GrammarState s, int token, int vocabSize) {
        long[] mask = new long[(vocabSize + 63) / 64];
        s.allowedTokens(mask);
        return (mask[token >>> 6] & (1L << token)) != 0;
    }

    /** For every token, the mask bit is what accepts() says. */
    static void assertMaskMatchesAccepts(GrammarState s, int vocabSize) {
        long[] mask = new long[(vocabSize + 63) / 64];
        s.allowedTokens(mask);
        for (int t = 0; t < vocabSize; t++) {
            boolean bit = (mask[t >>> 6] & (1L << t)) != 0;
            assertThat(bit).as("token %d: mask bit vs accepts", t).isEqualTo(s.accepts(t));
        }
        for (int w = vocabSize; w < mask.length * 64; w++) {
            assertThat(mask[w >>> 6] & (1L << w)).as("bit %d past the vocabulary", w).isZero();
        }
    }

    @Test
    void endIdsAreAllowedExactlyWhenTheGrammarIsComplete() {
        Vocab v = new Vocab().add("a", "b", "ab");
        TokenVocabulary tv = v.build();
        GrammarState s = start("root ::= \"a\" \"b\"?", tv);
        assertThat(s.isComplete()).isFalse();
        assertThat(s.accepts(v.end())).isFalse();
        assertThat(allowed(s, v.end(), tv.size())).isFalse();
        s.accept(v.id("a"));
        assertThat(s.isComplete()).isTrue();
        assertThat(s.mustEnd()).isFalse();
        assertThat(s.accepts(v.end())).isTrue();
        assertThat(allowed(s, v.end(), tv.size())).isTrue();
        assertThat(allowed(s, v.id("b"), tv.size())).isTrue();
        assertMaskMatchesAccepts(s, tv.size());
    }

    @Test
    void specialTokensAreNeverAllowedEvenWhenTheirTextWouldMatch() {
        Vocab v = new Vocab().add("a", "b");
        TokenVocabulary tv = v.build();
        GrammarState s = start("root ::= \"ab\"", tv);
        assertThat(s.accepts(v.special())).isFalse();
        assertThat(allowed(s, v.special(), tv.size())).isFalse();
        assertThatThrownBy(() -> s.accept(v.special())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whenNothingCanFollowOnlyEndIdsAreAllowed() {
        Vocab v = new Vocab().add("a", "b", "ab", " ");
        TokenVocabulary tv = v.build();
        GrammarState s = start("root ::= \"ab\"", tv);
        s.accept(v.id("ab"));
        assertThat(s.mustEnd()).isTrue();
        long[] mask = new long[1];
        s.allowedTokens(mask);
        assertThat(mask[0]).isEqualTo(1L << v.end());
    }

    @Test
    void aTokenThatRunsPastTheEndOfRootIsRefused() {
        Vocab v = new Vocab().add("a", "ab", "abc", "b ");
        TokenVocabulary tv = v.build();
        GrammarState s = start("root ::= \"ab\"", tv);
        assertThat(s.accepts(v.id("ab"))).isTrue();
        assertThat(s.accepts(v.id("abc"))).as("bytes remain after the root is complete").isFalse();
        s.accept(v.id("a"));
        assertThat(s.accepts(v.id("b "))).isFalse();
        assertMaskMatchesAccepts(s, tv.size());
    }

    @Test
    void aTokenMayEndInTheMiddleOfAMultiByteCharacter() {
        // 日 is E6 97 A5; 本 is E6 9C AC
        Vocab v = new Vocab().add("日", "本", "a").addBytes(0xE6).addBytes(0x97, 0xA5).addBytes(0xE6, 0x9C).addBytes(0xAC);
        TokenVocabulary tv = v.build();
        int e6 = 3, rest97 = 4, e69c = 5, ac = 6;
        GrammarState s = start("root ::= \"日\" [^a]", tv);
        assertThat(s.accepts(e6)).isTrue();
        assertThat(s.accepts(e69c)).as("E6 9C starts 本, not 日").isFalse();
        s.accept(e6);
        assertThat(s.isComplete()).isFalse();
        assertMaskMatchesAccepts(s, tv.size());
        assertThat(s.accepts(rest97)).isTrue();
        s.accept(rest97);
        // now any character but 'a': 本 split as E6 9C | AC
        assertThat(s.accepts(v.id("a"))).isFalse();
        assertThat(s.accepts(e69c)).isTrue();
        s.accept(e69c);
        assertThat(s.isComplete()).as("half a character is not a sentence").isFalse();
        assertThat(s.accepts(v.end())).isFalse();
        assertMaskMatchesAccepts(s, tv.size());
        s.accept(ac);
        assertThat(s.mustEnd()).isTrue();
    }

    @Test
    void rollbackRestoresTheStateAndItsMask() {
        Vocab v = new Vocab().add("{", "}", "\"", "a", "\":", "1", ",", " ");
        TokenVocabulary tv = v.build();
        GrammarState s = start(GrammarParseTest.JSON, tv);
        long[] before = new long[1];
        s.accept(v.id("{"));
        s.allowedTokens(before);
        boolean completeBefore = s.isComplete();
        s.accept(v.id("\""));
        s.accept(v.id("a"));
        s.accept(v.id("\":"));
        s.rollback(3);
        long[] after = new long[1];
        s.allowedTokens(after);
        assertThat(after).isEqualTo(before);
        assertThat(s.isComplete()).isEqualTo(completeBefore);
        s.rollback(1);
        assertThat(s.accepts(v.id("{"))).isTrue();
        assertThatThrownBy(() -> s.rollback(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptRefusesATokenTheGrammarDoesNotTake() {
        Vocab v = new Vocab().add("a", "b");
        GrammarState s = start("root ::= \"a\"", v.build());
        assertThatThrownBy(() -> s.accept(v.id("b"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> s.accept(v.end())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAmbiguousGrammarDoesNotBlowUp() {
        Vocab v = new Vocab().add("a", "aa", "aaaa", "b");
        TokenVocabulary tv = v.build();
        GrammarState s = start("root ::= (\"a\" | \"a\" | [a] | \"aa\")* (\"a\" | \"aa\")* \"b\"", tv);
        long t0 = System.nanoTime();
        for (int i = 0; i < 5_000; i++) {
            s.accept(v.id(i % 2 == 0 ? "aaaa" : "a"));
            if (i % 500 == 0) assertMaskMatchesAccepts(s, tv.size());
        }
        s.accept(v.id("b"));
        assertThat(s.mustEnd()).isTrue();
        assertThat(System.nanoTime() - t0).as("linear, not exponential").isLessThan(5_000_000_000L);
    }

    @Test
    void masksEqualAcceptsAlongAJsonDocument() {
        Vocab v = new Vocab().add("{", "}", "{\"", "\"", "\":", "\": ", ",", ", ", " ", "\n", "[", "]", "],", "\"}",
                "true", "null", "1", "12", "-", ".", "e", "name", "a", "é", "\\", "\\n", "u", "00", "e9");
        TokenVocabulary tv = v.build();
        GrammarState s = start(GrammarParseTest.JSON, tv);
        String[] doc = {"{\"", "name", "\": ", "\"", "a", "é", "\\n", "\\", "u", "00", "e9", "\"", ",", " ", "\"",
                "a", "\":", "[", "1", ",", "-", "12", ".", "1", "e", "1", ",", "true", ",", "null", "]", "}"};
        for (String piece : doc) {
            assertMaskMatchesAccepts(s, tv.size());
            assertThat(s.accepts(v.id(piece))).as("after ... then %s", piece).isTrue();
            s.accept(v.id(piece));
        }
        assertThat(s.isComplete()).isTrue();
        assertMaskMatchesAccepts(s, tv.size());
    }

    @Test
    void compilingTheSameTextAgainReturnsTheWarmGrammar() {
        TokenVocabulary tv = new Vocab().add("a", "b").build();
        TokenGrammar first = TokenGrammar.compile(Grammar.parse("root ::= \"a\"+"), tv);
        assertThat(TokenGrammar.compile(Grammar.parse("root ::= \"a\"+"), tv)).isSameAs(first);
        assertThat(TokenGrammar.compile(Grammar.parse("root ::= \"b\"+"), tv)).isNotSameAs(first);
    }

    @Test
    void oneCompiledGrammarServesManySequencesOnManyThreads() throws Exception {
        Vocab v = new Vocab().add("{", "}", "{\"", "\"", "\":", "\": ", ",", ", ", " ", "[", "]", "true", "null", "1", "12", "a", "b", "ab");
        TokenVocabulary tv = v.build();
        TokenGrammar g = TokenGrammar.compile(Grammar.parse(GrammarParseTest.JSON), tv);
        String[] doc = {"{\"", "ab", "\": ", "[", "1", ",", "12", ",", "true", "]", ",", "\"", "b", "\":", "null", "}"};
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<long[]>> results = new ArrayList<>();
            for (int task = 0; task < 8; task++) {
                results.add(pool.submit(() -> {
                    GrammarState s = g.start();
                    long[] mask = new long[1];
                    long[] all = new long[doc.length];
                    for (int i = 0; i < doc.length; i++) {
                        s.allowedTokens(mask);
                        all[i] = mask[0];
                        s.accept(v.id(doc[i]));
                    }
                    return all;
                }));
            }
            long[] expected = results.getFirst().get();
            for (java.util.concurrent.Future<long[]> r : results) assertThat(r.get()).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aGrammarWhoseParsesMultiplyIsStoppedAtTheStackLimit() {
        // after k a's, each repetition of the group can have ended after any of its a's: the places
        // the parse can be in multiply with k, past the runtime's bound on live stacks
        Vocab v = new Vocab().add("a", "b");
        GrammarState s = start("root ::= (\"a\"{0,50} \"a\"{0,50}){0,400} \"b\"", v.build());
        assertThatThrownBy(() -> {
            for (int i = 0; i < 20_000; i++) s.accept(v.id("a"));
        }).isInstanceOf(GrammarException.class).hasMessageContaining("parse stacks");
    }

    @Test
    void theMaskCacheDoesNotGrowWithNestingDepth() {
        // its keys are a stack's top frames, not the whole stack: depth 30 meets the keys of depth 5
        Vocab v = new Vocab().add("[", "]", "1", ",");
        TokenVocabulary tv = v.build();
        TokenGrammar g = TokenGrammar.compile(Grammar.parse("root ::= value\nvalue ::= \"[\" (value (\",\" value)*)? \"]\" | \"1\""), tv);
        long[] mask = new long[1];
        int[] keysAtDepth = new int[2];
        int[] depths = {5, 30};
        for (int k = 0; k < depths.length; k++) {
            GrammarState s = g.start();
            for (int i = 0; i < depths[k]; i++) {
                s.allowedTokens(mask);
                s.accept(v.id("["));
            }
            for (String piece : new String[]{"1", ",", "1"}) {
                s.allowedTokens(mask);
                s.accept(v.id(piece));
            }
            for (int i = 0; i < depths[k]; i++) {
                s.allowedTokens(mask);
                assertMaskMatchesAccepts(s, tv.size());
                s.accept(v.id("]"));
            }
            assertThat(s.mustEnd()).isTrue();
            keysAtDepth[k] = g.cachedKeys();
        }
        assertThat(keysAtDepth[1]).isEqualTo(keysAtDepth[0]);
    }

    @Test
    void anEnumOfThousandsOfValuesStaysWithinTheStackBound() {
        StringBuilder gbnf = new StringBuilder("root ::= ");
        for (int i = 0; i < 5000; i++) gbnf.append(i == 0 ? "" : " | ").append("\"\\\"v").append(i).append("\\\"\"");
        Vocab v = new Vocab().add("\"", "v", "1", "2", "3", "4", "0", "12", "\"v", "49", "99");
        TokenVocabulary tv = v.build();
        GrammarState s = start(gbnf.toString(), tv);
        for (String piece : new String[]{"\"v", "49", "99", "\""}) {
            assertMaskMatchesAccepts(s, tv.size());
            s.accept(v.id(piece));
        }
        assertThat(s.mustEnd()).isTrue();
    }
}
