package dev.cria.server.openai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatMessagesTest {
    @Test
    void textThatStartsLikeJsonMayBeAToolCall() {
        assertThat(ChatMessages.mayBeToolCall("  {\"name\": ")).isTrue();
        assertThat(ChatMessages.mayBeToolCall("<|python_tag|>")).isTrue();
        assertThat(ChatMessages.mayBeToolCall("\n")).as("undecided while only whitespace").isTrue();
    }

    @Test
    void proseIsNotAToolCall() {
        assertThat(ChatMessages.mayBeToolCall(" The weather")).isFalse();
    }
}
