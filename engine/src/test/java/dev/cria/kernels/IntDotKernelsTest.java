package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
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

    /** A Llama 3.2 1B row (2048), an FFN-down row (8192), and the smallest the kernel takes (one pair of blocks). */
    private static final int[] Q4_0_LENGTHS = {64, 2048, 8192};

    /** Q4_0 repacked: rows of random blocks in the {@link Q4_0Repacked} layout, activations quantized to block_q8_0. */
    @Test
    void repackedQ4_0MatchesTheScalarTwinBitForBitAndTheIntegerReference() {
        try (Arena arena = Arena.ofConfined()) {
            for (int n : Q4_0_LENGTHS) {
                Random rnd = new Random(n);
                WeightMatrix packed = Q4_0Repacked.repack(new WeightMatrix("q", GgmlType.Q4_0, ROWS, n,
                        RandomWeights.rows(GgmlType.Q4_0, ROWS, n, 0, rnd)), arena, false);
                float[] x = RandomWeights.activations(n + 9, rnd);
                java.util.Arrays.fill(x, 9 + 32, 9 + 64, 0f); // block 1 all zero: d = 0, q = 0
                Q8Activations qx = new Q8Activations();
                qx.set(x, 9, n);
                qx.prepareQ8_0();
                for (int r = 0; r < ROWS; r++) {
                    long o = packed.rowOffset(r);
                    float got = IntDotKernels.dot(GgmlType.Q4_0, packed.data(), o, qx, n);
                    float twin = ScalarKernels.dotQ4_0RepackedQ8(packed.data(), o, qx, n);
                    assertThat(Float.floatToRawIntBits(got)).as("n %d row %d: vector %s, scalar twin %s", n, r, got, twin)
                            .isEqualTo(Float.floatToRawIntBits(twin));
                    double[] ref = referenceQ4_0(packed.data(), o, qx, n);
                    assertThat((double) got).as("n %d row %d", n, r).isCloseTo(ref[0], offset(2e-6 * ref[1]));
                    // the two-row kernel (the matvec's), row r with row (r + 3) % ROWS
                    float[] sums = new float[32];
                    IntDotKernels.dotQ4_0Repacked2(packed.data(), o, packed.rowOffset((r + 3) % ROWS), qx, n, sums);
                    assertThat(Float.floatToRawIntBits(FloatDot.reduce(sums, 0))).as("n %d row %d, two-row kernel", n, r)
                            .isEqualTo(Float.floatToRawIntBits(twin));
                }
                // again once C2 has compiled the kernels (the calls above may have run interpreted)
                float hot = 0;
                float[] sums = new float[32];
                for (int i = 0; i < 20_000; i++) {
                    hot = IntDotKernels.dotQ4_0Repacked(packed.data(), packed.rowOffset(i % ROWS), qx, n);
                    IntDotKernels.dotQ4_0Repacked2(packed.data(), packed.rowOffset(1), packed.rowOffset(i % ROWS), qx, n, sums);
                }
                float want = ScalarKernels.dotQ4_0RepackedQ8(packed.data(), packed.rowOffset(19_999 % ROWS), qx, n);
                assertThat(Float.floatToRawIntBits(hot)).as("n %d, compiled", n).isEqualTo(Float.floatToRawIntBits(want));
                assertThat(Float.floatToRawIntBits(FloatDot.reduce(sums, 16))).as("n %d, compiled, two-row", n).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /** The matvec on two threads (row pairs, per-thread scratch) gives every row the scalar twin's bits, an odd row count included. */
    @Test
    void repackedQ4_0MatvecOnTwoThreadsMatchesTheTwinRowByRow() {
        int rows = 37, n = 2048;
        try (Arena arena = Arena.ofShared(); ComputePool two = new ComputePool(2)) {
            Random rnd = new Random(37);
            WeightMatrix packed = Q4_0Repacked.repack(new WeightMatrix("q", GgmlType.Q4_0, rows, n,
                    RandomWeights.rows(GgmlType.Q4_0, rows, n, 0, rnd)), arena, false);
            assertThat(Q8MatVec.supports(packed)).isEqualTo(Kernels.vectorBits() == 512);
            float[] x = RandomWeights.activations(n, rnd);
            Q8Activations qx = new Q8Activations();
            qx.set(x, 0, n);
            qx.prepareQ8_0();
            float[] want = new float[rows + 2];
            for (int r = 0; r < rows; r++) want[r + 2] = ScalarKernels.dotQ4_0RepackedQ8(packed.data(), packed.rowOffset(r), qx, n);
            if (!Q8MatVec.supports(packed)) return; // 256-bit kernels: the float route, tested elsewhere
            for (int round = 0; round < 200; round++) {
                float[] out = new float[rows + 2];
                Q8MatVec.matvec(two, packed, qx, out, 2);
                assertThat(RandomWeights.bits(out)).as("round %d", round).isEqualTo(RandomWeights.bits(want));
            }
        }
    }

    /**
     * The q8 route against the exact f32 route ({@link RepackedQ4_0Kernel}, float activations): the
     * difference is the activations' rounding to int8, at most half a step {@code d_x / 2} per value,
     * so |Δ| <= Σ_blocks d_x / 2 Σ |w| (plus float rounding); on Gaussian activations it is far
     * below that bound, about 0.5% of Σ |w x| here (ggml's q8_0 does the same).
     */
    @Test
    void repackedQ4_0AgreesWithTheF32RouteWithinTheActivationRounding() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 2048;
            Random rnd = new Random(17);
            WeightMatrix packed = Q4_0Repacked.repack(new WeightMatrix("q", GgmlType.Q4_0, ROWS, n,
                    RandomWeights.rows(GgmlType.Q4_0, ROWS, n, 0, rnd)), arena, false);
            float[] x = RandomWeights.activations(n, rnd);
            Q8Activations qx = new Q8Activations();
            qx.set(x, 0, n);
            qx.prepareQ8_0();
            WeightKernel f32 = Kernels.vector(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED);
            for (int r = 0; r < ROWS; r++) {
                long o = packed.rowOffset(r);
                float[] wr = new float[n];
                f32.dequantize(packed.data(), o, wr, 0, n);
                double bound = 0, mag = 0;
                for (int b = 0; b < n / 32; b++) {
                    double absW = 0;
                    for (int j = 0; j < 32; j++) {
                        absW += Math.abs(wr[32 * b + j]);
                        mag += Math.abs((double) wr[32 * b + j] * x[32 * b + j]);
                    }
                    bound += qx.d8_0(b) / 2 * absW;
                }
                float exact = f32.dot(packed.data(), o, x, 0, n);
                float q8 = IntDotKernels.dotQ4_0Repacked(packed.data(), o, qx, n);
                assertThat((double) q8).as("row %d", r).isCloseTo(exact, offset(bound + 1e-5 * mag));
                assertThat((double) q8).as("row %d, typical error", r).isCloseTo(exact, offset(0.01 * mag));
            }
        }
    }

    /** {value, magnitude}: ggml's vec_dot_q4_0_q8_0 with exact integer sums per block, scaled and added in double. */
    static double[] referenceQ4_0(MemorySegment w, long o, Q8Activations x, int n) {
        int nb = n / 32;
        double sum = 0, mag = 0;
        for (int b = 0; b < nb; b++) {
            long isum = 0, iabs = 0;
            for (int j = 0; j < 16; j++) {
                int v = u8(w, o + Q4_0Repacked.quants(nb, b) + j);
                long lo = (long) ((v & 0xF) - 8) * x.q8_0(b, j), hi = (long) ((v >>> 4) - 8) * x.q8_0(b, j + 16);
                isum += lo + hi;
                iabs += Math.abs(lo) + Math.abs(hi);
            }
            double d = (double) w.get(WeightBytes.F32, o + 4L * b) * x.d8_0(b);
            sum += d * isum;
            mag += Math.abs(d) * iabs;
        }
        return new double[]{sum, mag};
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
