package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The activation quantizer against hand-computed ggml results (ggml's quantize_row_q8_K). */
class Q8ActivationsTest {
    @Test
    void q8_KMapsTheFirstLargestMagnitudeToMinus127() {
        float[] x = new float[256];
        x[0] = -127f;    // the largest magnitude (first): iscale = -127 / -127 = 1
        x[1] = 127f;     // same magnitude, later: 127
        x[2] = 0.5f;     // -> 0
        x[3] = 2.5f;     // -> 2
        x[16] = -3.5f;   // -> -4, in the second group of 16
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 256);
        q.prepare();
        assertThat(new short[]{q.qK[0], q.qK[1], q.qK[2], q.qK[3], q.qK[16]}).containsExactly(-127, 127, 0, 2, -4);
        assertThat(q.dK[0]).isEqualTo(1f);
        assertThat(q.bsumK[0]).isEqualTo(2);
        assertThat(q.bsumK[1]).isEqualTo(-4);
    }

    @Test
    void q8_KWithAPositiveMaximumHasANegativeScale() {
        float[] x = new float[256];
        x[5] = 127f;     // iscale = -1: q = -x, d = -1
        x[6] = 2.5f;     // -2.5 -> -2
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 256);
        q.prepare();
        assertThat(q.qK[5]).isEqualTo((short) -127);
        assertThat(q.qK[6]).isEqualTo((short) -2);
        assertThat(q.dK[0]).isEqualTo(-1f);
    }

    @Test
    void q8_0RoundsHalfAwayFromZeroAndStoresPairsInTheKernelsOrder() {
        float[] x = new float[128];
        x[0] = 127f;     // amax of block 0: d = 1
        x[1] = -2.5f;    // -> -3 (roundf: half away from zero)
        x[2] = 2.5f;     // -> 3
        x[17] = -127f;   // value 17 of block 0
        x[32 + 3] = 63.5f; // block 1: d = 0.5, q = 127
        x[32 + 20] = -1f;  // -> -2
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 128);
        q.prepareQ8_0();
        assertThat(new int[]{q.q8_0(0, 0), q.q8_0(0, 1), q.q8_0(0, 2), q.q8_0(0, 17), q.q8_0(1, 3), q.q8_0(1, 20)})
                .containsExactly(127, -3, 3, -127, 127, -2);
        // pair 0: A 0-15, B 0-15, A 16-31, B 16-31
        assertThat(new short[]{q.q0[0], q.q0[1], q.q0[16 + 3], q.q0[32 + 1], q.q0[48 + 4]}).containsExactly(127, -3, 127, -127, -2);
        assertThat(q.d8_0(0)).isEqualTo(1f);
        assertThat(q.d8_0(1)).isEqualTo(0.5f);
        assertThat(q.d8_0(2)).isEqualTo(0f); // an all-zero block
        // lanes 0-7 block A, 8-15 block B; 8 * Σ q in the first lane of each
        assertThat(q.bsum0[0]).isEqualTo(8 * (127 - 3 + 3 - 127));
        assertThat(q.bsum0[8]).isEqualTo(8 * (127 - 2));
        assertThat(q.bsum0[1]).isZero();
        assertThat(q.d0[7]).isEqualTo(1f);
        assertThat(q.d0[8]).isEqualTo(0.5f);
    }

    /** The vector quantizer (512-bit machines) against the scalar one, bit for bit, ties and near-ties included. */
    @Test
    void q8_0VectorQuantizerEqualsTheScalarOne() {
        java.util.Random rnd = new java.util.Random(5);
        int n = 4096;
        float[] x = new float[n];
        for (int j = 0; j < n; j++) x[j] = (float) rnd.nextGaussian() * (j % 97 == 0 ? 10 : 1);
        // block 3: amax 127, so q = x exactly: ties and the floats next to them
        float[] edge = {127f, 2.5f, -2.5f, 0.5f, -0.5f, Math.nextDown(0.5f), Math.nextUp(-0.5f), Math.nextUp(2.5f), Math.nextDown(-2.5f), 126.5f, -126.5f, 0f, -0f};
        System.arraycopy(edge, 0, x, 96, edge.length);
        java.util.Arrays.fill(x, 128, 160, 0f); // block 4 all zero
        Q8Activations a = new Q8Activations(), b = new Q8Activations();
        a.set(x, 0, n);
        b.set(x, 0, n);
        a.quantizeQ8_0();
        b.quantizeQ8_0Vector();
        assertThat(b.q0).containsExactly(a.q0);
        assertThat(b.bsum0).containsExactly(a.bsum0);
        assertThat(RandomWeights.bits(b.d0)).containsExactly(RandomWeights.bits(a.d0));
        assertThat(new int[]{a.q8_0(3, 1), a.q8_0(3, 2), a.q8_0(3, 3), a.q8_0(3, 4), a.q8_0(3, 5), a.q8_0(3, 6), a.q8_0(3, 9)})
                .containsExactly(3, -3, 1, -1, 0, 0, 127);
    }

    @Test
    void q8_0NeedsWholePairsOfBlocks() {
        Q8Activations q = new Q8Activations();
        q.set(new float[96], 0, 96);
        assertThatThrownBy(q::prepareQ8_0).hasMessageContaining("block_q8_0 pairs");
    }

    @Test
    void aLengthThatIsNotWholeBlocksIsRejected() {
        Q8Activations q = new Q8Activations();
        q.set(new float[100], 0, 100);
        assertThatThrownBy(() -> q.prepare()).hasMessageContaining("not a whole number of Q8_K blocks");
    }
}
