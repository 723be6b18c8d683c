package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
    @Test
    void blocksWhoseInt16SumsWrapStillGiveTheExactIntegerDot() {
        // Per row, block 0 holds nibbles of 15 and block 1 nibbles of 0; the four tokens are all +1 or
        // all -1 (quantized to +-127). So Σ q_w q_x of a block reaches 32 * 15 * 127, past int16, and
        // Σ (q_w - 8) q_x its extremes +-32512: the kernels' wrapped int16 sums must still be exact.
        int n = 64, nb = 2, rows = 32;
        MemorySegment file = arena.allocate((long) rows * nb * 18);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < nb; b++) {
                long o = (long) (r * nb + b) * 18;
                file.set(ValueLayout.JAVA_SHORT_UNALIGNED, o, Float.floatToFloat16(1f));
                for (int j = 0; j < 16; j++) file.set(ValueLayout.JAVA_BYTE, o + 2 + j, (byte) (b == 0 ? 0xFF : 0x00));
            }
        }
        WeightMatrix w = interleaved(new WeightMatrix("wrap.q4_0", GgmlType.Q4_0, rows, n, file));
        float[] x = new float[4 * n];
        for (int i = 0; i < x.length; i++) x[i] = (i / n) % 2 == 0 ? 1f : -1f;
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n, 4);
        q.prepareRows();
        for (int t = 0; t < 4; t++) {
            float[] twin = new float[rows], one = new float[rows], two2 = new float[2 * rows];
            float[] one256 = new float[rows], two256 = new float[2 * rows];
            Q4_0InterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, 0);
            // exact: per block d_x Σ (q_w - 8) q_x = d_x (7 or -8) * 32 * (+-127), summed in float32 as the kernels do
            float sign = t % 2 == 0 ? 1f : -1f;
            float want = Math.fma((float) (-8 * 32 * 127 * (int) sign), q.dR[t * nb + 1], Math.fma((float) (7 * 32 * 127 * (int) sign), q.dR[t * nb], 0f));
            assertThat(twin[0]).as("scalar twin, token %d", t).isEqualTo(want);
            Q4_0InterleavedDot.group(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, one, 0);
            Q4_0InterleavedDot.groups2(w.data(), 0, 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, two2, 0, rows);
            Q4_0InterleavedDot256.group(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, one256, 0);
            Q4_0InterleavedDot256.groups2(w.data(), 0, 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, two256, 0, rows);
            for (int r = 0; r < rows; r++) {
                assertThat(twin[r]).as("twin row %d", r).isEqualTo(want);
                assertThat(one[r]).as("group row %d token %d", r, t).isEqualTo(want);
                assertThat(two2[r]).as("groups2 row %d token %d", r, t).isEqualTo(want);
                assertThat(two2[rows + r]).isEqualTo(want);
                assertThat(one256[r]).as("256-bit group row %d token %d", r, t).isEqualTo(want);
                assertThat(two256[r]).as("256-bit groups2 row %d token %d", r, t).isEqualTo(want);
            }
        }
        float[] four = new float[4 * rows], four256 = new float[4 * rows];
        Q4_0InterleavedDot.group4(w.data(), 0, q.qR, 0, n, q.dR, q.biasR, 0, nb, four, 0, rows);
        Q4_0InterleavedDot256.group4(w.data(), 0, q.qR, 0, n, q.dR, q.biasR, 0, nb, four256, 0, rows);
        for (int t = 0; t < 4; t++) {
            float[] twin = new float[rows];
            Q4_0InterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, 0);
            for (int r = 0; r < rows; r++) {
                assertThat(four[t * rows + r]).as("group4 row %d token %d", r, t).isEqualTo(twin[r]);
                assertThat(four256[t * rows + r]).as("256-bit group4 row %d token %d", r, t).isEqualTo(twin[r]);
            }
        }
    }
}
