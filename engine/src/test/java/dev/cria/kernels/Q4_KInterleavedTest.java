package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Q4_K interleaved at load ({@link Q4_KInterleaved}) and its integer kernels
 * ({@link Q4_KInterleavedDot}): the layout keeps every decoded value ({@link InterleavedCopyTest}), the vector kernels equal their
 * scalar twin bit for bit (batch independence through the driver: {@link Q8MatMulTest}), and they
 * are the exact integer sums with block_q8_0 activations (a scale per 32 values, a Q4_K sub-block)
 * within float32 rounding. The kernels are 512-bit
 * ones; in the build's {@code -XX:UseAVX=2} execution they run too (the Vector API's Java
 * fallback: same bits, slowly), with fewer rounds.
 */
class Q4_KInterleavedTest {
    private static Arena arena;
    private static ComputePool two;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
        two = new ComputePool(2);
    }

    @AfterAll
    static void close() {
        two.close();
        arena.close();
    }

    private static WeightMatrix fileLayout(int rows, int cols, long seed) {
        return new WeightMatrix("test.q4_k", GgmlType.Q4_K, rows, cols, RandomWeights.rows(GgmlType.Q4_K, rows, cols, 0, new Random(seed)));
    }

    private static WeightMatrix interleaved(WeightMatrix file) {
        return Q4_KInterleaved.repack(file, arena, false, bytes -> {
        });
    }

    @Test
    void onlyWholeGroupsOfRowsAndSuperBlocksAreInterleaved() {
        assertThat(Q4_KInterleaved.supports(128256, 2048)).isTrue();
        assertThat(Q4_KInterleaved.supports(8192, 2048)).isTrue();
        assertThat(Q4_KInterleaved.supports(40, 2048)).isFalse();
        assertThat(Q4_KInterleaved.supports(64, 2048 + 32)).isFalse();
        assertThatThrownBy(() -> interleaved(fileLayout(40, 256, 1))).hasMessageContaining("whole groups of 32");
    }

    @Test
    void vectorKernelsEqualTheScalarTwinBitForBit() {
        int n = 2048, nb = n / 256, nx = n / 32;
        WeightMatrix w = interleaved(fileLayout(64, n, 7));
        Random rnd = new Random(3);
        float[] x = RandomWeights.activations(4 * n, rnd);
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n, 4);
        q.prepareRows();
        long g1 = Q4_KInterleaved.groupOffset(1, nb);
        int[] sums = new int[Q4_KInterleavedDot.SCRATCH];
        // enough calls for C2 to compile the kernels: the compiled code must agree as well
        int rounds = Kernels.vectorBits() == 512 ? 3000 : 2;
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two2 = new float[64], four = new float[4 * 64];
            for (int t = 0; t < 4; t++) {
                Q4_KInterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.minR, t * nx, nb, twin, t * 64);
                Q4_KInterleavedDot.scalar(w.data(), g1, q.qR, t * n, q.dR, q.minR, t * nx, nb, twin, t * 64 + 32);
            }
            Q4_KInterleavedDot.group(w.data(), 0, q.qR, 0, q.dR, q.minR, 0, nb, one, 0, sums);
            Q4_KInterleavedDot.group(w.data(), g1, q.qR, 0, q.dR, q.minR, 0, nb, one, 32, sums);
            Q4_KInterleavedDot.groups2(w.data(), 0, g1, q.qR, 0, q.dR, q.minR, 0, nb, two2, 0, 32, sums);
            Q4_KInterleavedDot.group4(w.data(), 0, q.qR, 0, n, q.dR, q.minR, q.biasR, 0, nb, four, 0, 64, sums);
            Q4_KInterleavedDot.group4(w.data(), g1, q.qR, 0, n, q.dR, q.minR, q.biasR, 0, nb, four, 32, 64, sums);
            if (round % 1000 != 999 && round != rounds - 1) continue;
            int[] want = RandomWeights.bits(java.util.Arrays.copyOf(twin, 64));
            assertThat(RandomWeights.bits(one)).as("group, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(two2)).as("groups2, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(four)).as("group4, round %d", round).isEqualTo(RandomWeights.bits(twin));
        }
    }

    @Test
    void resultsAreTheExactIntegerDotProductsWithinFloatRounding() {
        // one super-block, three (the zoo model's shapes), a Llama 3.2 3B down projection's 32
        for (int n : new int[]{256, 768, 8192}) exactIntegerDots(n);
    }

    private static void exactIntegerDots(int n) {
        int rows = 64;
        WeightMatrix file = fileLayout(rows, n, 11 + n);
        WeightMatrix w = interleaved(file);
        float[] x = RandomWeights.activations(n, new Random(5));
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n);
        q.prepareRows();
        float[] got = new float[rows];
        Q8MatMul.matmul(two, w, q, got, 0);
        double worst = 0, offExact = 0;
        float[] row = new float[n];
        for (int r = 0; r < rows; r++) {
            // the interleaved kernel's sums in double from the file's bytes, activations in block_q8_0
            // (a scale per 32 values, a Q4_K sub-block): per super-block and sub-block s
            // d dx_s sc_s Σ q_w q_x - dmin dx_s m_s Σ q_x
            double want = 0, magnitude = 0;
            long o = file.rowOffset(r);
            for (int b = 0; b < n / 256; b++, o += 144) {
                double d = WeightBytes.f16(file.data(), o), dmin = WeightBytes.f16(file.data(), o + 2);
                for (int s = 0; s < 8; s++) {
                    long sub = 0, xs = 0;
                    for (int l = 0; l < 32; l++) {
                        int byt = WeightBytes.u8(file.data(), o + 16 + 32L * (s / 2) + l);
                        int qw = s % 2 == 0 ? byt & 0xF : byt >>> 4;
                        int qx = q.qR[256 * b + 32 * s + l];
                        sub += (long) qw * qx;
                        xs += qx;
                    }
                    double dx = q.dR[8 * b + s];
                    double sc = WeightBytes.scaleMinK4(file.data(), o + 4, s, 0), m = WeightBytes.scaleMinK4(file.data(), o + 4, s, 1);
                    want += d * dx * sc * sub - dmin * dx * m * xs;
                    magnitude += Math.abs(d * dx * sc * sub) + Math.abs(dmin * dx * m * xs);
                }
            }
            assertThat((double) got[r]).as("n %d row %d", n, r).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * magnitude + 1e-30));
            worst = Math.max(worst, Math.abs(got[r] - want) / magnitude);
            // against the unquantized activations: the exact dot of the decoded weights, in double
            Kernels.scalar(GgmlType.Q4_K).dequantize(file.data(), file.rowOffset(r), row, 0, n);
            double exact = 0, size = 0;
            for (int j = 0; j < n; j++) {
                exact += (double) row[j] * x[j];
                size += Math.abs((double) row[j] * x[j]);
            }
            offExact += Math.abs(got[r] - exact) / size;
        }
        System.out.printf("Q4_K, %d values: largest error / Σ|terms| of the integer sums (interleaved x q8_0) %.2e;"
                + " mean |Δ| from the unquantized dot / Σ|w x|: %.2e%n", n, worst, offExact / rows);
    }
}
