package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.PaddedArrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The 256-bit (AVX2) dots give the bits of the 512-bit ones (their decoders: {@link WeightKernelAgreementTest}). */
class Vector256KernelsTest {
    private static final int ROWS = 5;
    private static final long LEAD = 3; // an odd start: nothing in a GGUF file is aligned

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void dotIsBitIdenticalToThe512BitDot(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 41L + 6);
        int n = RandomWeights.rowLength(t);
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        float[] x = RandomWeights.activations(n + 7, rnd);
        for (int r = 0; r < ROWS; r++) {
            long off = LEAD + r * t.bytesFor(n);
            float wide = Kernels.vector(t).dot(w, off, x, 7, n);
            float narrow = Kernels.vector256(t).dot(w, off, x, 7, n);
            assertThat(Float.floatToRawIntBits(narrow)).as("%s row %d: %s vs %s", t, r, narrow, wide).isEqualTo(Float.floatToRawIntBits(wide));
        }
    }

    /** Lengths with and without a tail past the last 32-value group. */
    @ParameterizedTest
    @ValueSource(ints = {32, 96, 2048, 33, 100, 2075})
    void floatDotIsBitIdenticalToFloatDot(int n) {
        Random rnd = new Random(n);
        float[] w = RandomWeights.activations(n + 3, rnd), x = RandomWeights.activations(n + 5, rnd);
        assertThat(Float.floatToRawIntBits(FloatDot256.dot(w, 3, x, 5, n))).isEqualTo(Float.floatToRawIntBits(FloatDot.dot(w, 3, x, 5, n)));
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 2048, 100})
    void fourRowsTimesTwoTokensGiveEachPairTheBitsOfTheOneRowDot(int n) {
        Random rnd = new Random(n + 1);
        int wStride = n + 3, xStride = n + 1;
        float[] w = RandomWeights.activations(4 * wStride, rnd), x = RandomWeights.activations(2 * xStride + 2, rnd);
        int outStride = 9;
        float[] out = new float[2 + 4 + outStride];
        FloatDot256.dot4x2(w, 0, wStride, x, 2, xStride, n, out, 2, outStride, PaddedArrays.floats(FloatDot256.SUMS));
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < 2; t++) {
                float one = FloatDot.dot(w, k * wStride, x, 2 + t * xStride, n);
                assertThat(Float.floatToRawIntBits(out[2 + k + t * outStride])).as("row %d token %d", k, t).isEqualTo(Float.floatToRawIntBits(one));
            }
        }
    }
}
