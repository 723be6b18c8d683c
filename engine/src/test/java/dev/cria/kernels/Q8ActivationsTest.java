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
        assertThat(q.sum8K[0]).isEqualTo(2);
        assertThat(q.sum8K[2]).isEqualTo(-4);
        assertThat(q.pairK[16]).isEqualTo(0xFFFC_FFFC);
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
    void q8_0RoundsHalfAwayFromZeroTokenAfterToken() {
        float[] x = new float[128];
        x[0] = 127f;     // amax of token 0's block 0: d = 1
        x[1] = -2.5f;    // -> -3 (roundf: half away from zero)
        x[2] = 2.5f;     // -> 3
        x[17] = -127f;
        x[64 + 3] = 63.5f;  // token 1's block 0: d = 0.5, q = 127
        x[64 + 20] = -1f;   // -> -2
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 64, 2);
        q.prepareRows();
        assertThat(new short[]{q.qR[0], q.qR[1], q.qR[2], q.qR[17], q.qR[64 + 3], q.qR[64 + 20]}).containsExactly(127, -3, 3, -127, 127, -2);
        assertThat(q.dR).startsWith(1f, 0f, 0.5f, 0f); // all-zero blocks: d = 0
        assertThat(q.biasR).startsWith(8 * (127 - 3 + 3 - 127), 0, 8 * (127 - 2), 0);
    }

    /** The vector quantizer (512-bit machines) against the scalar one, bit for bit, ties and near-ties included. */
    @Test
    void q8_0VectorQuantizerEqualsItsScalarTwin() {
        int n = 256;
        float[] x = RandomWeights.activations(3 * n, new java.util.Random(23));
        java.util.Arrays.fill(x, n + 32, n + 64, 0f); // an all-zero block: d = 0, q = 0
        // block 3 of token 0: amax 127, so q = x exactly: ties and the floats next to them
        float[] edge = {127f, 2.5f, -2.5f, 0.5f, -0.5f, Math.nextDown(0.5f), Math.nextUp(-0.5f), Math.nextUp(2.5f), Math.nextDown(-2.5f), 126.5f, -126.5f, 0f, -0f};
        System.arraycopy(edge, 0, x, 96, edge.length);
        Q8Activations vector = new Q8Activations(), scalar = new Q8Activations();
        vector.set(x, 0, n, 3);
        scalar.set(x, 0, n, 3);
        vector.prepareRows();
        scalar.quantizeRowsScalar();
        assertThat(vector.qR).containsExactly(scalar.qR);
        assertThat(vector.biasR).containsExactly(scalar.biasR);
        assertThat(RandomWeights.bits(vector.dR)).containsExactly(RandomWeights.bits(scalar.dR));
        assertThat(new int[]{scalar.qR[97], scalar.qR[98], scalar.qR[99], scalar.qR[100], scalar.qR[101], scalar.qR[102], scalar.qR[105]})
                .containsExactly(3, -3, 1, -1, 0, 0, 127);
    }

    @Test
    void aLengthThatIsNotWholeBlocksIsRejected() {
        Q8Activations q = new Q8Activations();
        q.set(new float[100], 0, 100);
        assertThatThrownBy(() -> q.prepare()).hasMessageContaining("not a whole number of Q8_K blocks");
    }
}
