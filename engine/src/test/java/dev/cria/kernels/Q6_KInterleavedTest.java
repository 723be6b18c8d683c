package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Q6_K interleaved at load ({@link Q6_KInterleaved}) and its integer kernels
 * ({@link Q6_KInterleavedDot}): the layout keeps every decoded value ({@link InterleavedCopyTest}), the vector kernels equal their
 * scalar twin bit for bit (batch independence through the driver: {@link Q8MatMulTest}), and they
 * are the exact integer dot products (ggml_vec_dot_q6_K_q8_K) within float32 rounding, also at the
 * int16 extremes. The kernels are 512-bit ones; in the build's {@code -XX:UseAVX=2} execution they
 * run too (the Vector API's Java fallback: same bits, slowly), with fewer rounds.
 */
class Q6_KInterleavedTest {
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
        return new WeightMatrix("test.q6_K", GgmlType.Q6_K, rows, cols, RandomWeights.rows(GgmlType.Q6_K, rows, cols, 0, new Random(seed)));
    }

    private static WeightMatrix interleaved(WeightMatrix file) {
        return Q6_KInterleaved.repack(file, arena, false, bytes -> {
        });
    }

    @Test
    void onlyWholeGroupsOfRowsAndSuperBlocksAreInterleaved() {
        assertThat(Q6_KInterleaved.supports(128256, 2048)).isTrue();
        assertThat(Q6_KInterleaved.supports(40, 2048)).isFalse();
        assertThat(Q6_KInterleaved.supports(64, 64)).isFalse();
        assertThatThrownBy(() -> interleaved(fileLayout(40, 256, 1))).hasMessageContaining("whole groups of 32");
    }

    @Test
    void vectorKernelsEqualTheScalarTwinBitForBit() {
        int n = 2048, nb = n / 256;
        WeightMatrix w = interleaved(fileLayout(64, n, 7));
        Random rnd = new Random(3);
        float[] x = RandomWeights.activations(4 * n, rnd);
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n, 4);
        q.prepare();
        long g1 = Q6_KInterleaved.groupOffset(1, nb);
        // enough calls for C2 to compile the kernels: the compiled code must agree as well
        int rounds = Kernels.vectorBits() == 512 ? 3000 : 2;
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two2 = new float[64], four = new float[4 * 64];
            Q6_KInterleavedDot.group(w.data(), 0, q.pairK, q.sum8K, 0, q.dK, 0, nb, one, 0);
            Q6_KInterleavedDot.group(w.data(), g1, q.pairK, q.sum8K, 0, q.dK, 0, nb, one, 32);
            Q6_KInterleavedDot.groups2(w.data(), 0, g1, q.pairK, q.sum8K, 0, q.dK, 0, nb, two2, 0, 32);
            Q6_KInterleavedDot.group4(w.data(), 0, q.pairK, q.sum8K, 0, n, q.dK, 0, nb, four, 0, 64);
            Q6_KInterleavedDot.group4(w.data(), g1, q.pairK, q.sum8K, 0, n, q.dK, 0, nb, four, 32, 64);
            if (round % 1000 != 999 && round != rounds - 1) continue;
            for (int t = 0; t < 4; t++) {
                Q6_KInterleavedDot.scalar(w.data(), 0, q.qK, t * n, q.dK, t * nb, nb, twin, t * 64);
                Q6_KInterleavedDot.scalar(w.data(), g1, q.qK, t * n, q.dK, t * nb, nb, twin, t * 64 + 32);
            }
            int[] want = RandomWeights.bits(Arrays.copyOf(twin, 64));
            assertThat(RandomWeights.bits(one)).as("group, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(two2)).as("groups2, round %d", round).isEqualTo(want);
            assertThat(RandomWeights.bits(four)).as("group4, round %d", round).isEqualTo(RandomWeights.bits(twin));
        }
    }

    /** ggml_vec_dot_q6_K_q8_K in double from the file layout: per super-block d_w d_x Σ_g sc_g Σ (q - 32) x. */
    private static void assertExact(WeightMatrix file, Q8Activations q, float[] got, String what) {
        int n = file.cols();
        for (int r = 0; r < file.rows(); r++) {
            double want = 0, magnitude = 0;
            for (int b = 0; b < n / 256; b++) {
                long o = file.rowOffset(r) + 210L * b;
                float dw = WeightBytes.f16(file.data(), o + 208);
                long s = 0;
                for (int g = 0; g < 16; g++) {
                    long gs = 0;
                    for (int i = 16 * g; i < 16 * g + 16; i++) gs += (long) (Q6_KInterleaved.fileQ(file.data(), o, i) - 32) * q.qK[256 * b + i];
                    s += WeightBytes.i8(file.data(), o + 192 + g) * gs;
                }
                want += (double) dw * q.dK[b] * s;
                magnitude += Math.abs((double) dw * q.dK[b] * s);
            }
            assertThat((double) got[r]).as("%s row %d", what, r).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6 * magnitude + 1e-30));
        }
    }

    @Test
    void resultsAreTheExactIntegerDotProductsWithinFloatRounding() {
        int n = 4096, rows = 96;
        WeightMatrix file = fileLayout(rows, n, 11);
        WeightMatrix w = interleaved(file);
        float[] x = RandomWeights.activations(n, new Random(5));
        Q8Activations q = new Q8Activations();
        q.set(x, 0, n);
        float[] got = new float[rows];
        Q8MatMul.matmul(two, w, q, got, 0);
        assertExact(file, q, got, "random");
    }

    @Test
    void theInt16SumsAreExactAtTheExtremes() {
        // every q = 0 (q - 32 = -32) or every q = 63 (+31), int8 scales -128, activations +-127:
        // each 8 products sum to 8 * 32 * 127 = 32512 in magnitude, the unsigned partial sums wrap
        int n = 512, rows = 32;
        for (int fill : new int[]{0x00, 0xFF}) {
            MemorySegment raw = MemorySegment.ofArray(new byte[(int) GgmlType.Q6_K.bytesFor((long) rows * n)]);
            raw.fill((byte) fill);
            for (long o = 0; o < raw.byteSize(); o += 210) {
                for (int g = 0; g < 16; g++) raw.set(ValueLayout.JAVA_BYTE, o + 192 + g, (byte) -128);
                raw.set(WeightBytes.I16, o + 208, Float.floatToFloat16(0.01f));
            }
            WeightMatrix file = new WeightMatrix("extreme.q6_K", GgmlType.Q6_K, rows, n, raw);
            WeightMatrix w = interleaved(file);
            for (float sign : new float[]{1f, -1f}) {
                // runs of 8 equal values alternating in sign: Q8_K maps them to -127 and +127
                float[] x = new float[4 * n];
                for (int i = 0; i < x.length; i++) x[i] = (i / 8) % 2 == 0 ? sign : -sign;
                Q8Activations one = new Q8Activations(), q = new Q8Activations();
                one.set(x, 0, n);
                q.set(x, 0, n, 4); // four equal tokens
                float[] got = new float[rows];
                Q8MatMul.matmul(two, w, one, got, 0);
                assertExact(file, one, got, "fill " + fill + " sign " + sign);
                float[] four = new float[4 * rows];
                Q8MatMul.matmul(two, w, q, four, 0);
                for (int t = 0; t < 4; t++) {
                    assertThat(RandomWeights.bits(Arrays.copyOfRange(four, t * rows, (t + 1) * rows))).as("batch token %d", t)
                            .isEqualTo(RandomWeights.bits(got));
                }
            }
        }
    }
}
