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
 * Q4_0 interleaved at load ({@link Q4_0Interleaved}) and its integer kernels
 * ({@link Q4_0InterleavedDot}): the layout keeps every decoded value ({@link InterleavedCopyTest}), the vector kernels equal their
 * scalar twin bit for bit (batch independence through the driver: {@link Q8MatMulTest}), and they
 * are the exact integer dot products within float32 rounding. The kernels are 512-bit ones; in the
 * build's {@code -XX:UseAVX=2} execution they run too (the Vector API's Java fallback: same bits,
 * slowly), with fewer rounds.
 */
class Q4_0InterleavedTest {
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
        return new WeightMatrix("test.q4_0", GgmlType.Q4_0, rows, cols, RandomWeights.rows(GgmlType.Q4_0, rows, cols, 0, new Random(seed)));
    }

    private static WeightMatrix interleaved(WeightMatrix file) {
        return Q4_0Interleaved.repack(file, arena, false, bytes -> {
        });
    }

    @Test
    void onlyWholeGroupsOfRowsAreInterleaved() {
        assertThat(Q4_0Interleaved.supports(128256, 2048)).isTrue();
        assertThat(Q4_0Interleaved.supports(40, 2048)).isFalse();
        assertThatThrownBy(() -> interleaved(fileLayout(40, 64, 1))).hasMessageContaining("whole groups of 32");
    }

    @Test
    void vectorKernelsEqualTheScalarTwinBitForBit() {
        int n = 2048, nb = n / 32;
        WeightMatrix w = interleaved(fileLayout(64, n, 7));
        Random rnd = new Random(3);
        float[] x = RandomWeights.activations(4 * n, rnd);
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n, 4);
        q.prepareRows();
        long g1 = Q4_0Interleaved.groupOffset(1, nb);
        // enough calls for C2 to compile the kernels: the compiled code must agree as well
        int rounds = Kernels.vectorBits() == 512 ? 3000 : 2;
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two2 = new float[64], four = new float[4 * 64];
            for (int t = 0; t < 4; t++) {
                Q4_0InterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, t * 64);
                Q4_0InterleavedDot.scalar(w.data(), g1, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, t * 64 + 32);
            }
            Q4_0InterleavedDot.group(w.data(), 0, q.qR, 0, q.dR, q.biasR, 0, nb, one, 0);
            Q4_0InterleavedDot.group(w.data(), g1, q.qR, 0, q.dR, q.biasR, 0, nb, one, 32);
            Q4_0InterleavedDot.groups2(w.data(), 0, g1, q.qR, 0, q.dR, q.biasR, 0, nb, two2, 0, 32);
            Q4_0InterleavedDot.group4(w.data(), 0, q.qR, 0, n, q.dR, q.biasR, 0, nb, four, 0, 64);
            Q4_0InterleavedDot.group4(w.data(), g1, q.qR, 0, n, q.dR, q.biasR, 0, nb, four, 32, 64);
            if (round % 1000 != 999 && round != rounds - 1) continue;
            int[] want = RandomWeights.bits(java.util.Arrays.copyOf(twin, 64));
            assertThat(RandomWeights.bits(one)).as("group, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(two2)).as("groups2, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(four)).as("group4, round %d", round).isEqualTo(RandomWeights.bits(twin));
        }
    }

    @Test
    void resultsAreTheExactIntegerDotProductsWithinFloatRounding() {
        int n = 4096, rows = 32;
        WeightMatrix file = fileLayout(rows, n, 11);
        WeightMatrix w = interleaved(file);
        float[] x = RandomWeights.activations(n, new Random(5));
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n);
        q.prepareRows();
        float[] got = new float[rows];
        Q8MatMul.matmul(two, w, q, got, 0);
        for (int r = 0; r < rows; r++) {
            // ggml_vec_dot_q4_0_q8_0 in double: per block d_w d_x Σ (q_w - 8) q_x
            double want = 0, magnitude = 0;
            float[] row = new float[n];
            Kernels.scalar(GgmlType.Q4_0).dequantize(file.data(), file.rowOffset(r), row, 0, n);
            for (int b = 0; b < n / 32; b++) {
                float dw = WeightBytes.f16(file.data(), file.rowOffset(r) + 18L * b);
                long s = 0;
                for (int j = 0; j < 32; j++) s += (long) Math.round(dw == 0 ? 0 : row[32 * b + j] / dw) * q.qR[32 * b + j];
                want += (double) dw * q.dR[b] * s;
                magnitude += Math.abs((double) dw * q.dR[b] * s);
            }
            assertThat((double) got[r]).as("row %d", r).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * magnitude + 1e-30));
        }
    }
}
