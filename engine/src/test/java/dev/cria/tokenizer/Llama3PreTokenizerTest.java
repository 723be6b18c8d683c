package dev.cria.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pre-tokenizer's words for texts where each regex alternative decides. */
class Llama3PreTokenizerTest {

    private static List<String> words(String text) {
        int[] cps = text.codePoints().toArray();
        byte[] fl = new byte[cps.length];
        for (int i = 0; i < cps.length; i++) fl[i] = Llama3PreTokenizer.flags(cps[i]);
        IntList ends = new IntList(8);
        Llama3PreTokenizer.split(cps, fl, 0, cps.length, ends);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < ends.size; k++) {
            out.add(new String(cps, start, ends.a[k] - start));
            start = ends.a[k];
        }
        return out;
    }

    @Test
    void contractionsAreCaseInsensitive() {
        assertThat(words("I'M he'll WE'VE")).containsExactly("I", "'M", " he", "'ll", " WE", "'VE");
    }

    @Test
    void lettersTakeOneLeadingNonLetterNonDigit() {
        assertThat(words("hello world,x")).containsExactly("hello", " world", ",x");
        // Two punctuation marks: the punctuation run wins, the letter goes alone.
        assertThat(words("hello,(x")).containsExactly("hello", ",(", "x");
    }

    @Test
    void numbersSplitIntoGroupsOfThree() {
        assertThat(words("1234567 x")).containsExactly("123", "456", "7", " x");
    }

    @Test
    void punctuationTakesOneLeadingSpaceAndTrailingLineBreaks() {
        assertThat(words("a ...\n\nb")).containsExactly("a", " ...\n\n", "b");
    }

    @Test
    void whitespaceBeforeAWordLeavesItsLastSpaceToTheWord() {
        assertThat(words("a   b")).containsExactly("a", "  ", " b");
        assertThat(words("a \n  \n b")).containsExactly("a", " \n  \n", " b");
        assertThat(words("a   ")).containsExactly("a", "   ");
    }

    @Test
    void zeroWidthSpaceAndBomAreNotWhitespaceButNbspAndIdeographicSpaceAre() {
        assertThat(Llama3PreTokenizer.flags(0x200B) & Llama3PreTokenizer.SPACE).isZero();
        assertThat(Llama3PreTokenizer.flags(0xFEFF) & Llama3PreTokenizer.SPACE).isZero();
        assertThat(Llama3PreTokenizer.flags(0x00A0) & Llama3PreTokenizer.SPACE).isNotZero();
        assertThat(Llama3PreTokenizer.flags(0x3000) & Llama3PreTokenizer.SPACE).isNotZero();
        assertThat(words("a\u00A0\u00A0b")).containsExactly("a", "\u00A0", "\u00A0b");
    }
}
