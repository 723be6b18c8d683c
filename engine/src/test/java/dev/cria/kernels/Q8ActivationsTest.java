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
    void aLengthThatIsNotWholeBlocksIsRejected() {
        Q8Activations q = new Q8Activations();
        q.set(new float[100], 0, 100);
        assertThatThrownBy(() -> q.prepare()).hasMessageContaining("not a whole number of Q8_K blocks");
    }
}
