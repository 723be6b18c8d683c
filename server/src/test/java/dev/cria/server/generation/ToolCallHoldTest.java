package dev.cria.server.generation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallHoldTest {
    @Test
    void withoutToolsEveryPieceIsReleasedAtOnce() {
        ToolCallHold hold = new ToolCallHold(false);

        assertThat(hold.release("{\"name\"")).isEqualTo("{\"name\"");
        assertThat(hold.held()).isEmpty();
    }

    @Test
    void textThatMayBeACallIsHeldUntilTheEnd() {
        ToolCallHold hold = new ToolCallHold(true);

        assertThat(hold.release(" {\"name\": ")).isEmpty();
        assertThat(hold.release("\"f\"}")).isEmpty();
        assertThat(hold.held()).isEqualTo(" {\"name\": \"f\"}");
        assertThat(hold.whole()).isEqualTo(" {\"name\": \"f\"}");
    }

    @Test
    void proseIsReleasedWithWhatWasHeldBeforeIt() {
        ToolCallHold hold = new ToolCallHold(true);

        assertThat(hold.release("  ")).isEmpty();
        assertThat(hold.release("Hello")).isEqualTo("  Hello");
        assertThat(hold.release(" world")).isEqualTo(" world");
        assertThat(hold.held()).isEmpty();
        assertThat(hold.whole()).isEqualTo("  Hello world");
    }
}
