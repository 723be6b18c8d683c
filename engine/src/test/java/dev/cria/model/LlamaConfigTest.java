package dev.cria.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The hyperparameter checks every loader goes through; names in messages are GGUF keys unless the loader maps them. */
class LlamaConfigTest {
    /** Llama 3.2 1B's shape with the given block count, head counts, RMS epsilon, RoPE base and factors. */
    private static LlamaConfig config(int blocks, int heads, int kvHeads, float eps, double base, float[] factors) {
        return new LlamaConfig(2048, blocks, heads, kvHeads, 64, 8192, 128256, 131072, eps, base, factors, false);
    }

    @Test
    void llama32OneBShapeIsAccepted() {
        float[] ones = new float[32];
        Arrays.fill(ones, 1);
        LlamaConfig c = config(16, 32, 8, 1e-5f, 500000, ones);
        assertThat(c.qDim()).isEqualTo(2048);
        assertThat(c.kvDim()).isEqualTo(512);
    }

    @Test
    void zeroBlockCountNamesTheGgufKey() {
        assertThatThrownBy(() -> config(0, 32, 8, 1e-5f, 500000, null))
                .hasMessage("llama.block_count is 0, expected 1..4096");
    }

    @Test
    void headCountKvThatDoesNotDivideHeadCountNamesBothKeys() {
        assertThatThrownBy(() -> config(16, 32, 5, 1e-5f, 500000, null))
                .hasMessage("llama.attention.head_count 32 is not a multiple of llama.attention.head_count_kv 5");
    }

    @Test
    void rmsEpsilonOfOneIsOutOfRange() {
        assertThatThrownBy(() -> config(16, 32, 8, 1f, 500000, null))
                .hasMessage("llama.attention.layer_norm_rms_epsilon is 1.0, expected a number in (0, 1)");
    }

    @Test
    void infiniteRopeBaseIsRejected() {
        assertThatThrownBy(() -> config(16, 32, 8, 1e-5f, Double.POSITIVE_INFINITY, null))
                .hasMessage("llama.rope.freq_base is Infinity, expected a finite number > 0");
    }

    @Test
    void zeroRopeFreqFactorIsRejectedWithItsIndex() {
        float[] factors = new float[32];
        Arrays.fill(factors, 1);
        factors[7] = 0;
        assertThatThrownBy(() -> config(16, 32, 8, 1e-5f, 500000, factors))
                .hasMessage("rope_freqs.weight value 7 is 0.0, expected a finite number > 0");
    }

    @Test
    void aLoaderNamesTheValueByItsOwnKey() {
        LlamaConfig.InvalidHyperparameterException e = catchThrowableOfType(LlamaConfig.InvalidHyperparameterException.class,
                () -> config(16, 32, 8, 1e-5f, -1, null));
        assertThat(e.component()).isEqualTo("ropeFreqBase");
        assertThat(e.message(Map.of("ropeFreqBase", "rope_theta")::get)).isEqualTo("rope_theta is -1.0, expected a finite number > 0");
    }
}
