package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i8;
import static dev.cria.kernels.WeightBytes.scaleMinK4;
import static dev.cria.kernels.WeightBytes.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Each integer dot kernel against a plain scalar reference of ggml's vec_dot math: exact integer
 * sums per block, scaled and added in double. The kernel scales in float32, so the two agree within
 * float rounding of the scaled terms.
 */
class IntDotKernelsTest {
    private static final int ROWS = 4;
    private static final long LEAD = 3;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_K", "Q6_K"})
    void intDotMatchesScalarIntegerReference(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 13L + 5);
        int n = 8 * 256;
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        float[] x = RandomWeights.activations(n + 9, rnd);
        Q8Activations qx = new Q8Activations();
        qx.set(x, 9, n);
        qx.prepare();
        for (int r = 0; r < ROWS; r++) {
            long o = LEAD + r * t.bytesFor(n);
            double[] ref = reference(t, w, o, qx, n);
            float got = IntDotKernels.dot(t, w, o, qx, n);
            assertThat(ref[1]).isGreaterThan(0);
            assertThat((double) got).as("%s row %d", t, r).isCloseTo(ref[0], offset(2e-6 * ref[1]));
        }
    }

    /** {value, magnitude}: the dot in double from exact per-block integer sums, and Σ |scaled block terms| for the tolerance. */
    static double[] reference(GgmlType t, MemorySegment w, long o, Q8Activations x, int n) {
        double sum = 0, mag = 0;
        switch (t) {
            case Q4_K -> {
                for (int b = 0; b < n / 256; b++, o += 144) {
                    long isum = 0, iabs = 0, msum = 0;
                    for (int s = 0; s < 8; s++) {
                        int sc = scaleMinK4(w, o + 4, s, 0), m = scaleMinK4(w, o + 4, s, 1);
                        for (int l = 0; l < 32; l++) {
                            int byteVal = u8(w, o + 16 + 32 * (s / 2) + l);
                            int q = (s & 1) == 0 ? byteVal & 0xF : byteVal >>> 4;
                            long p = (long) sc * q * x.qK[256 * b + 32 * s + l];
                            isum += p;
                            iabs += Math.abs(p);
                        }
                        msum += (long) m * (x.bsumK[16 * b + 2 * s] + x.bsumK[16 * b + 2 * s + 1]);
                    }
                    double d = (double) f16(w, o) * x.dK[b], dmin = (double) f16(w, o + 2) * x.dK[b];
                    sum += d * isum - dmin * msum;
                    mag += Math.abs(d) * iabs + Math.abs(dmin * msum);
                }
            }
            case Q6_K -> {
                for (int b = 0; b < n / 256; b++, o += 210) {
                    long isum = 0, iabs = 0;
                    for (int j = 0; j < 256; j++) {
                        int h = j / 128, k = j % 128, g = k / 32, l = k % 32;
                        int ql = u8(w, o + 64 * h + 32 * (g & 1) + l);
                        int low = g < 2 ? ql & 0xF : ql >>> 4;
                        int high = (u8(w, o + 128 + 32 * h + l) >>> (2 * g)) & 3;
                        int sc = i8(w, o + 192 + 8 * h + 2 * g + l / 16);
                        long p = (long) sc * ((low | (high << 4)) - 32) * x.qK[256 * b + j];
                        isum += p;
                        iabs += Math.abs(p);
                    }
                    double d = (double) f16(w, o + 208) * x.dK[b];
                    sum += d * isum;
                    mag += Math.abs(d) * iabs;
                }
            }
            default -> throw new IllegalArgumentException(t.toString());
        }
        return new double[]{sum, mag};
    }
}
