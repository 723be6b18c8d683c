package dev.cria.server.generation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallTextTest {
    @Test
    void textThatStartsLikeJsonMayBeAToolCall() {
        assertThat(ToolCallText.mayBeToolCall("  {\"name\": ")).isTrue();
        assertThat(ToolCallText.mayBeToolCall("<|python_tag|>")).isTrue();
        assertThat(ToolCallText.mayBeToolCall("\n")).as("undecided while only whitespace").isTrue();
    }

    @Test
    void proseIsNotAToolCall() {
        assertThat(ToolCallText.mayBeToolCall(" The weather")).isFalse();
    }
}
