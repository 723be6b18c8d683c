package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KernelsTest {
    @Test
    void cpusWithNarrowerVectorsThan256BitsGetAWarningNamingAvx2() {
        assertThat(Kernels.slowVectorWarning(128)).contains("128-bit").contains("AVX2");
    }

    @Test
    void cpusWith256Or512BitVectorsGetNoWarning() {
        assertThat(Kernels.slowVectorWarning(256)).isNull();
        assertThat(Kernels.slowVectorWarning(512)).isNull();
    }

    @Test
    void theKernelsAre512BitWhereTheCpuHasAvx512And256BitBelow() {
        assertThat(Kernels.vectorBits(null, 512)).isEqualTo(512);
        assertThat(Kernels.vectorBits(null, 256)).isEqualTo(256);
        assertThat(Kernels.vectorBits(null, 128)).isEqualTo(256);
    }

    @Test
    void thePropertyCriaVectorBitsChoosesTheWidth() {
        assertThat(Kernels.vectorBits("256", 512)).isEqualTo(256);
        assertThat(Kernels.vectorBits("512", 256)).isEqualTo(512);
        assertThat(Kernels.vectorBitsWarning("256")).isNull();
        assertThat(Kernels.vectorBitsWarning(null)).isNull();
    }

    /** Set in a static initializer, a bad value must not stop the JVM with a stack trace: it is ignored with a warning. */
    @Test
    void aBadCriaVectorBitsIsIgnoredWithAWarning() {
        assertThat(Kernels.vectorBits("384", 512)).isEqualTo(512);
        assertThat(Kernels.vectorBits("wide", 256)).isEqualTo(256);
        assertThat(Kernels.vectorBitsWarning("384")).startsWith("ignoring -Dcria.vectorBits=384 (it must be 256 or 512)");
    }

    /**
     * Run twice by the build: on this CPU as it is, and with -XX:UseAVX=2 (the "avx2" execution). That
     * one names the width it is there for in {@code cria.test.vectorBits}: were the flag ignored, it would
     * repeat the 512-bit run and the 256-bit kernels would go untested without a failure.
     */
    @Test
    void forTypeGivesThe256BitKernelsExactlyWhereTheJvmHasNo512BitVectors() {
        String expected = System.getProperty("cria.test.vectorBits");
        if (expected != null) {
            assertThat(Kernels.vectorBits()).as("the width this test execution is for (cria.test.vectorBits)").isEqualTo(Integer.parseInt(expected));
        }
        boolean wide = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
        assertThat(Kernels.vectorBits()).isEqualTo(wide ? 512 : 256);
        for (GgmlType t : GgmlType.values()) {
            assertThat(Kernels.forType(t)).isSameAs(wide ? Kernels.vector(t) : Kernels.vector256(t));
        }
    }
}
