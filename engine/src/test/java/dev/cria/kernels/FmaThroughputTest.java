package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FmaThroughputTest {
    @Test
    void measuresAPositiveFiniteRate() {
        assertThat(FmaThroughput.measureGmacs(2, 2, 200_000)).isPositive().isFinite();
    }

    /** Each step maps a to 0.999 a + 0.001, which converges to 1: the loop's result is predictable. */
    @Test
    void theLoopComputesItsContraction() {
        double[] a = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < 1000; i++) for (int k = 0; k < a.length; k++) a[k] = 0.999 * a[k] + 0.001;
        double expected = 0;
        for (double v : a) expected += v * FmaThroughput.S.length();

        assertThat((double) FmaThroughput.run(1000)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-2));
    }

    @Test
    void rejectsANonPositiveThreadCount() {
        assertThatThrownBy(() -> FmaThroughput.measureGmacs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: must be positive, got 0");
    }
}
