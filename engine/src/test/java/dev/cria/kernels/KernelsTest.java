package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KernelsTest {
    @Test
    void cpusWithNarrowerVectorsThan512BitsGetAWarningNamingAvx512() {
        assertThat(Kernels.slowVectorWarning(256)).contains("256-bit").contains("AVX-512");
        assertThat(Kernels.slowVectorWarning(128)).contains("128-bit");
    }

    @Test
    void cpusWith512BitVectorsGetNoWarning() {
        assertThat(Kernels.slowVectorWarning(512)).isNull();
    }
}
