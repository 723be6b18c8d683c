package dev.cria.util;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ModelFormatException#quote}: how file text appears in error messages. */
class ModelFormatExceptionTest {
    @Test
    void plainNameIsQuotedAsIs() {
        assertThat(ModelFormatException.quote("blk.0.attn_q.weight")).isEqualTo("'blk.0.attn_q.weight'");
    }

    @Test
    void printableNonAsciiIsKept() {
        assertThat(ModelFormatException.quote("модель ☃")).isEqualTo("'модель ☃'");
    }

    @Test
    void terminalEscapeSequencesAreEscaped() {
        assertThat(ModelFormatException.quote("\u001b[2J\u001b]0;x\u0007"))
                .isEqualTo("'\\u001B[2J\\u001B]0;x\\u0007'");
    }

    @Test
    void newlinesNulAndOtherNonPrintablesAreEscaped() {
        assertThat(ModelFormatException.quote("a\nb\u0000c\u200Bd\u00A0e\uFFFD")).isEqualTo("'a\\u000Ab\\u0000c\\u200Bd\\u00A0e\\uFFFD'");
    }

    @Test
    void backslashAndQuoteAreEscapedSoTheQuotingIsUnambiguous() {
        assertThat(ModelFormatException.quote("it's a\\b")).isEqualTo("'it\\'s a\\\\b'");
    }

    @Test
    void longTextIsCutAt200CharactersWithItsLength() {
        String q = ModelFormatException.quote("x".repeat(4_560_000));
        assertThat(q).isEqualTo("'" + "x".repeat(200) + "'… (4560000 characters)");
    }
}
