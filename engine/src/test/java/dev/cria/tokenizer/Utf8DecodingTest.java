package dev.cria.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** U+FFFD substitution of maximal subparts (Unicode §3.9, Table 3-8's examples and friends). */
class Utf8DecodingTest {

    private static String decodeAll(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        StringBuilder sb = new StringBuilder();
        assertThat(Utf8Decoding.decode(b, 0, b.length, true, sb)).isEqualTo(b.length);
        return sb.toString();
    }

    @Test
    void wellFormedSequencesOfEveryLengthDecode() {
        assertThat(decodeAll("41c3a9e282acf09fa699")).isEqualTo("Aé€🦙");
    }

    @Test
    void unicodeTable3_8ExampleGivesEightReplacements() {
        // 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 → a � � � b � c � � d
        assertThat(decodeAll("61f18080e180c262806380bf64")).isEqualTo("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd");
    }

    @Test
    void surrogatesOverlongsAndOutOfRangeAreOneReplacementPerByte() {
        assertThat(decodeAll("eda080")).isEqualTo("\uFFFD\uFFFD\uFFFD");      // U+D800
        assertThat(decodeAll("c0af")).isEqualTo("\uFFFD\uFFFD");              // overlong '/'
        assertThat(decodeAll("e08080")).isEqualTo("\uFFFD\uFFFD\uFFFD");      // overlong
        assertThat(decodeAll("f4908080")).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD"); // > U+10FFFF
        assertThat(decodeAll("ff41")).isEqualTo("\uFFFDA");
    }

    @Test
    void truncatedSequenceIsOneReplacementAtEndOfInput() {
        assertThat(decodeAll("41f09fa6")).isEqualTo("A\uFFFD");
    }

    @Test
    void truncatedSequenceIsHeldBackWhenMoreInputMayFollow() {
        byte[] b = HexFormat.of().parseHex("41f09fa6");
        StringBuilder sb = new StringBuilder();
        assertThat(Utf8Decoding.decode(b, 0, b.length, false, sb)).isEqualTo(1);
        assertThat(sb.toString()).isEqualTo("A");
    }

    @Test
    void brokenSequenceIsReplacedEvenWhenMoreInputMayFollow() {
        byte[] b = HexFormat.of().parseHex("e2414243e2");
        StringBuilder sb = new StringBuilder();
        assertThat(Utf8Decoding.decode(b, 0, b.length, false, sb)).isEqualTo(4);
        assertThat(sb.toString()).isEqualTo("\uFFFDABC");
    }
}
