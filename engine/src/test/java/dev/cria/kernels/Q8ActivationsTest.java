package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The activation quantizers against hand-computed ggml results (quantize_row_q8_0 AVX path, quantize_row_q8_K). */
class Q8ActivationsTest {
    @Test
    void q8_0ScalesByAmaxOver127AndRoundsHalfToEven() {
        float[] x = new float[32];
        x[0] = 127f;     // amax: id = 127 / 127 = 1
        x[1] = 63.5f;    // -> 64 (half to even)
        x[2] = -0.5f;    // -> 0
        x[3] = 1.5f;     // -> 2
        x[4] = 2.5f;     // -> 2 (half to even; roundf would give 3)
        x[5] = -2.5f;    // -> -2
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 32);
        q.prepare(Q8Activations.Layout.Q8_0);
        assertThat(new short[]{q.q0[0], q.q0[1], q.q0[2], q.q0[3], q.q0[4], q.q0[5], q.q0[6]}).containsExactly(127, 64, 0, 2, 2, -2, 0);
        assertThat(q.d0[0]).isEqualTo(1f);
        assertThat(q.sum0[0]).isEqualTo(127 + 64 + 2 + 2 - 2);
    }

    @Test
    void q8_0ScaleIsRoundedToF16AndAZeroBlockGivesZeros() {
        float[] x = new float[64];
        x[0] = 1f;       // d = 1/127 stored as f16
        Q8Activations q = new Q8Activations();
        q.set(x, 0, 64);
        q.prepare(Q8Activations.Layout.Q8_0);
        assertThat(q.d0[0]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(1f / 127f))).isNotEqualTo(1f / 127f);
        assertThat(q.q0[0]).isEqualTo((short) 127);
        assertThat(q.d0[1]).isZero();
        assertThat(q.q0[40]).isZero();
    }

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
        q.prepare(Q8Activations.Layout.Q8_K);
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
        q.prepare(Q8Activations.Layout.Q8_K);
        assertThat(q.qK[5]).isEqualTo((short) -127);
        assertThat(q.qK[6]).isEqualTo((short) -2);
        assertThat(q.dK[0]).isEqualTo(-1f);
    }

    @Test
    void aLengthThatIsNotWholeBlocksIsRejected() {
        Q8Activations q = new Q8Activations();
        q.set(new float[100], 0, 100);
        assertThatThrownBy(() -> q.prepare(Q8Activations.Layout.Q8_K)).hasMessageContaining("not a whole number of Q8_K blocks");
    }
}
