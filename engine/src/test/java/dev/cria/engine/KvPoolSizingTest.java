package dev.cria.engine;

import dev.cria.kv.KvType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The KV pool lives in the Java heap: its default never exceeds what is free, an explicit size that cannot fit is refused. */
class KvPoolSizingTest {
    @Test
    void theDefaultIsContextTimesParallelWhenItFits() {
        EngineOptions o = new EngineOptions(1024, 1, 8, 4);
        assertThat(LlamaEngine.kvPoolBytes(o, 4096, 1024)).isEqualTo(4096L * 1024);
    }

    @Test
    void theDefaultShrinksToTheFreeHeap() {
        EngineOptions o = new EngineOptions(131072, 1, 8, 64);
        long bytes = LlamaEngine.kvPoolBytes(o, 131072L * 64, 1 << 20);
        assertThat(bytes).isLessThan(Runtime.getRuntime().maxMemory()).isPositive();
    }

    @Test
    void anExplicitSizeBeyondTheHeapIsAClearError() {
        EngineOptions o = new EngineOptions(1024, 1, 8, 4, Runtime.getRuntime().maxMemory() * 2, KvType.F32);
        assertThatThrownBy(() -> LlamaEngine.kvPoolBytes(o, 4096, 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kv-memory").hasMessageContaining("Java heap");
    }
}
