package dev.cria.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ElementwiseKernelsTest {
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    static float[] gaussian(SplittableRandom rnd, int n, double sd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (sd * rnd.nextGaussian());
        return x;
    }

    /** Lengths below one vector, whole vectors, and whole vectors plus a tail. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 64, 67, 1000})
    void addInPlaceIsBitIdenticalToItsScalarTwinAndLeavesTheRestAlone(int n) {
        SplittableRandom rnd = new SplittableRandom(n);
        float[] a = gaussian(rnd, n + 5, 10), b = gaussian(rnd, n + 5, 10);
        float[] expected = a.clone();
        ScalarElementwiseKernels.addInPlace(expected, b, n);

        ElementwiseKernels.addInPlace(a, b, n);

        assertThat(RandomWeights.bits(a)).isEqualTo(RandomWeights.bits(expected));
    }

    @Test
    void addInPlaceAddsEachElementOnce() {
        float[] a = new float[3 * L + 3], b = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
            b[i] = 1000 * i;
        }

        ElementwiseKernels.addInPlace(a, b, a.length - 1);

        for (int i = 0; i < a.length - 1; i++) assertThat(a[i]).as("a[%d]", i).isEqualTo(1001f * i);
        assertThat(a[a.length - 1]).as("past n").isEqualTo(a.length - 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 64, 67, 1000})
    void scaleIsBitIdenticalToItsScalarTwinFromAnOffset(int n) {
        SplittableRandom rnd = new SplittableRandom(n + 1);
        float[] a = gaussian(rnd, n + 8, 10);
        float[] expected = a.clone();
        ScalarElementwiseKernels.scale(expected, 3, n, 0.37f);

        ElementwiseKernels.scale(a, 3, n, 0.37f);

        assertThat(RandomWeights.bits(a)).isEqualTo(RandomWeights.bits(expected));
    }

    /**
     * silu(g) * u = g / (1 + e^-g) * u in double; the kernel works in float32 (llama.cpp's
     * ggml_vec_swiglu_f32 too): an exp of about 1 ulp, then an add, a divide, for g < 0 a multiply by
     * e, and the product with u, each rounded: within 4 float ulps (3.8 the worst of 4 million draws).
     */
    @Test
    void swiGluIsSiluOfTheGateTimesTheUp() {
        SplittableRandom rnd = new SplittableRandom(5);
        int n = 1001;
        float[] gate = gaussian(rnd, n, 6), up = gaussian(rnd, n, 3);
        gate[0] = 0;
        gate[1] = -100;
        gate[2] = 100;
        float[] g0 = gate.clone();

        ElementwiseKernels.swiGlu(gate, up, n);

        for (int j = 0; j < n; j++) {
            double expected = g0[j] / (1 + Math.exp(-(double) g0[j])) * up[j];
            assertThat((double) gate[j]).as("gate %s, up %s", g0[j], up[j]).isCloseTo(expected, within(4.0 * Math.ulp((float) expected) + 1e-40));
        }
        assertThat(gate[0]).as("silu(0) = 0").isZero();
        assertThat(gate[2]).as("silu(100) = 100").isEqualTo(100 * up[2]);
    }

    @Test
    void swiGluLeavesTheUpAndTheGateBeyondNAlone() {
        float[] gate = {1, 2, 3}, up = {4, 5, 6};

        ElementwiseKernels.swiGlu(gate, up, 2);

        assertThat(up).containsExactly(4, 5, 6);
        assertThat(gate[2]).isEqualTo(3);
    }

    /** The model runs SwiGLU in pieces on the compute pool: any split gives the bits of the whole loop. */
    @Test
    void swiGluInPiecesGivesTheSameBitsAsTheWholeLoop() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 777;
        float[] gate = gaussian(rnd, n, 6), up = gaussian(rnd, n, 3);
        float[] whole = gate.clone(), pieces = gate.clone();

        ElementwiseKernels.swiGlu(whole, up, n);
        ElementwiseKernels.swiGlu(pieces, up, 0, 100);
        ElementwiseKernels.swiGlu(pieces, up, 100, 101);
        ElementwiseKernels.swiGlu(pieces, up, 101, n);

        assertThat(pieces).containsExactly(whole);
        float[] once = gate.clone();
        ElementwiseKernels.swiGlu(once, up, 10, 20);
        for (int j = 0; j < n; j++) {
            if (j < 10 || j >= 20) assertThat(once[j]).as("index %d outside the range", j).isEqualTo(gate[j]);
        }
    }
}
