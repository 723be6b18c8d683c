package dev.cria.server.generation;

import dev.cria.chat.ChatMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptBoundTest {
    @Test
    void utf8BytesIsTheEncodedLengthOfWellFormedText() {
        String text = "llama über 日本語 🦙 ok";

        assertThat(PromptBound.utf8Bytes(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aLoneSurrogateCountsNothing() {
        assertThat(PromptBound.utf8Bytes("a\uD83Db\uDE99")).isEqualTo(2);
    }

    @Test
    void minTokensRoundsUp() {
        assertThat(PromptBound.minTokens(0, 30)).isZero();
        assertThat(PromptBound.minTokens(30, 30)).isEqualTo(1);
        assertThat(PromptBound.minTokens(31, 30)).isEqualTo(2);
    }

    @Test
    void chatContentLeavesOutWhatTheTemplateTrims() {
        List<ChatMessage> messages = List.of(ChatMessage.of("system", " \n\u00A0\u3000\uFEFFbe brief\t "),
                ChatMessage.of("user", "  hi  there  "));

        assertThat(PromptBound.chatContentBytes(messages)).isEqualTo("be brief".length() + "hi  there".length());
    }
}
