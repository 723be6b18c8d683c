package dev.cria.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ByteLevelTest {
    @Test
    void byteLevelCharactersDecodeToTheirBytes() {
        String token = "" + ByteLevel.BYTE_TO_CHAR[' '] + "Hi" + ByteLevel.BYTE_TO_CHAR[0xFF];

        assertThat(ByteLevel.decode(token)).containsExactly(' ', 'H', 'i', 0xFF);
    }

    @Test
    void aCharacterOutsideTheTableFollowedByByteLevelCharactersKeepsEveryByte() {
        // Found by VocabularyFuzzTest: U+0089 is not one of the 256 byte-level characters; its two
        // UTF-8 bytes filled the buffer and the 'a' after it was written past the end.
        assertThat(ByteLevel.decode("\u0089a")).containsExactly(0xC2, 0x89, 'a');
        assertThat(ByteLevel.decode("a\u4e2d\ud83d\ude00bc"))
                .isEqualTo(("a\u4e2d\ud83d\ude00bc").getBytes(StandardCharsets.UTF_8));
    }
}
