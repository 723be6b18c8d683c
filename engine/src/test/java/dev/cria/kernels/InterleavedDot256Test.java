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

/**
 * The 256-bit integer kernels of the interleaved layouts ({@link Q4_0InterleavedDot256},
 * {@link Q4_KInterleavedDot256}, {@link Q6_KInterleavedDot256}) equal the scalar twins of the
 * 512-bit ones bit for bit, for one group, two groups and four tokens, after enough calls for C2 to
 * compile them; so do the kernels of this CPU's width through the driver's trait ({@link Q4_0Interleaved#KERNEL}
 * and the others); and {@link Q8Activations#prepareRows}' 256-bit quantization equals the 512-bit one.
 * 256-bit vectors compile natively in both of the build's executions (AVX-512 and
 * {@code -XX:UseAVX=2}), so both run every round.
 */
class InterleavedDot256Test {
    /** Calls of each kernel: enough for C2 to compile them, so that the compiled code is checked too. */
    private static final int ROUNDS = 3000;
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    private static WeightMatrix file(GgmlType type, int rows, int cols, long seed) {
        return new WeightMatrix("test." + type, type, rows, cols, RandomWeights.rows(type, rows, cols, 0, new Random(seed)));
    }

    @Test
    void q4_0KernelsEqualTheScalarTwinBitForBit() {
        q4_0(ROUNDS, false);
    }

    private static void q4_0(int rounds, boolean forCpu) {
        int n = 2048, nb = n / 32;
        WeightMatrix w = Q4_0Interleaved.repack(file(GgmlType.Q4_0, 64, n, 7), arena, false, bytes -> {
        });
        Q8Activations q = new Q8Activations();
        q.set(RandomWeights.activations(4 * n, new Random(3)), 0, n, 4);
        q.prepareRows();
        long g1 = Q4_0Interleaved.groupOffset(1, nb);
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two = new float[64], four = new float[4 * 64];
            if (forCpu) {
                int[] scratch = new int[Q4_0Interleaved.KERNEL.scratchInts()];
                Q4_0Interleaved.KERNEL.group(w.data(), n, 0, q, 0, one, 0, scratch);
                Q4_0Interleaved.KERNEL.group(w.data(), n, 1, q, 0, one, 32, scratch);
                Q4_0Interleaved.KERNEL.groups2(w.data(), n, 0, 1, q, 0, two, 0, 32, scratch);
                Q4_0Interleaved.KERNEL.group4(w.data(), n, 0, q, 0, four, 0, 64, scratch);
                Q4_0Interleaved.KERNEL.group4(w.data(), n, 1, q, 0, four, 32, 64, scratch);
            } else {
                Q4_0InterleavedDot256.group(w.data(), 0, q.qR, 0, q.dR, q.biasR, 0, nb, one, 0);
                Q4_0InterleavedDot256.group(w.data(), g1, q.qR, 0, q.dR, q.biasR, 0, nb, one, 32);
                Q4_0InterleavedDot256.groups2(w.data(), 0, g1, q.qR, 0, q.dR, q.biasR, 0, nb, two, 0, 32);
                Q4_0InterleavedDot256.group4(w.data(), 0, q.qR, 0, n, q.dR, q.biasR, 0, nb, four, 0, 64);
                Q4_0InterleavedDot256.group4(w.data(), g1, q.qR, 0, n, q.dR, q.biasR, 0, nb, four, 32, 64);
            }
            if (round % 1000 != 999 && round != rounds - 1) continue;
            for (int t = 0; t < 4; t++) {
                Q4_0InterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, t * 64);
                Q4_0InterleavedDot.scalar(w.data(), g1, q.qR, t * n, q.dR, q.biasR, t * nb, nb, twin, t * 64 + 32);
            }
            assertSame(twin, one, two, four, round);
        }
    }

    @Test
    void q4_KKernelsEqualTheScalarTwinBitForBit() {
        q4_K(ROUNDS, false);
    }

    private static void q4_K(int rounds, boolean forCpu) {
        int n = 2048, nb = n / 256, nx = n / 32;
        WeightMatrix w = Q4_KInterleaved.repack(file(GgmlType.Q4_K, 64, n, 7), arena, false, bytes -> {
        });
        Q8Activations q = new Q8Activations();
        q.set(RandomWeights.activations(4 * n, new Random(3)), 0, n, 4);
        q.prepareRows();
        long g1 = Q4_KInterleaved.groupOffset(1, nb);
        int[] sums = new int[Q4_KInterleavedDot.SCRATCH];
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two = new float[64], four = new float[4 * 64];
            if (forCpu) {
                int[] scratch = new int[Q4_KInterleaved.KERNEL.scratchInts()];
                Q4_KInterleaved.KERNEL.group(w.data(), n, 0, q, 0, one, 0, scratch);
                Q4_KInterleaved.KERNEL.group(w.data(), n, 1, q, 0, one, 32, scratch);
                Q4_KInterleaved.KERNEL.groups2(w.data(), n, 0, 1, q, 0, two, 0, 32, scratch);
                Q4_KInterleaved.KERNEL.group4(w.data(), n, 0, q, 0, four, 0, 64, scratch);
                Q4_KInterleaved.KERNEL.group4(w.data(), n, 1, q, 0, four, 32, 64, scratch);
            } else {
                Q4_KInterleavedDot256.group(w.data(), 0, q.qR, 0, q.dR, q.minR, 0, nb, one, 0, sums);
                Q4_KInterleavedDot256.group(w.data(), g1, q.qR, 0, q.dR, q.minR, 0, nb, one, 32, sums);
                Q4_KInterleavedDot256.groups2(w.data(), 0, g1, q.qR, 0, q.dR, q.minR, 0, nb, two, 0, 32, sums);
                Q4_KInterleavedDot256.group4(w.data(), 0, q.qR, 0, n, q.dR, q.minR, 0, nb, four, 0, 64, sums);
                Q4_KInterleavedDot256.group4(w.data(), g1, q.qR, 0, n, q.dR, q.minR, 0, nb, four, 32, 64, sums);
            }
            if (round % 1000 != 999 && round != rounds - 1) continue;
            for (int t = 0; t < 4; t++) {
                Q4_KInterleavedDot.scalar(w.data(), 0, q.qR, t * n, q.dR, q.minR, t * nx, nb, twin, t * 64);
                Q4_KInterleavedDot.scalar(w.data(), g1, q.qR, t * n, q.dR, q.minR, t * nx, nb, twin, t * 64 + 32);
            }
            assertSame(twin, one, two, four, round);
        }
    }

    @Test
    void q6_KKernelsEqualTheScalarTwinBitForBit() {
        int n = 2048;
        WeightMatrix w = Q6_KInterleaved.repack(file(GgmlType.Q6_K, 64, n, 7), arena, false, bytes -> {
        });
        Q8Activations q = new Q8Activations();
        q.set(RandomWeights.activations(4 * n, new Random(3)), 0, n, 4);
        q6_K(w, q, ROUNDS, false);
    }

    @Test
    void q6_KInt16SumsAreExactAtTheExtremes() {
        // every q = 0 (q - 32 = -32) or every q = 63 (+31), int8 scales -128, activations +-127: each 8
        // products sum to 8 * 32 * 127 = 32512 in magnitude, the unsigned partial sums wrap
        int n = 512, rows = 64;
        for (int fill : new int[]{0x00, 0xFF}) {
            MemorySegment raw = MemorySegment.ofArray(new byte[(int) GgmlType.Q6_K.bytesFor((long) rows * n)]);
            raw.fill((byte) fill);
            for (long o = 0; o < raw.byteSize(); o += 210) {
                for (int g = 0; g < 16; g++) raw.set(ValueLayout.JAVA_BYTE, o + 192 + g, (byte) -128);
                raw.set(WeightBytes.I16, o + 208, Float.floatToFloat16(0.01f));
            }
            WeightMatrix w = Q6_KInterleaved.repack(new WeightMatrix("extreme.q6_K", GgmlType.Q6_K, rows, n, raw), arena, false, bytes -> {
            });
            for (float sign : new float[]{1f, -1f}) {
                float[] x = new float[4 * n];
                for (int i = 0; i < x.length; i++) x[i] = (i / 8) % 2 == 0 ? sign : -sign;
                Q8Activations q = new Q8Activations();
                q.set(x, 0, n, 4);
                q6_K(w, q, 2, false);
            }
        }
    }

    private static void q6_K(WeightMatrix w, Q8Activations q, int rounds, boolean forCpu) {
        int n = w.cols(), nb = n / 256;
        q.prepare();
        long g1 = Q6_KInterleaved.groupOffset(1, nb);
        for (int round = 0; round < rounds; round++) {
            float[] twin = new float[4 * 64], one = new float[64], two = new float[64], four = new float[4 * 64];
            if (forCpu) {
                int[] scratch = new int[Q6_KInterleaved.KERNEL.scratchInts()];
                Q6_KInterleaved.KERNEL.group(w.data(), n, 0, q, 0, one, 0, scratch);
                Q6_KInterleaved.KERNEL.group(w.data(), n, 1, q, 0, one, 32, scratch);
                Q6_KInterleaved.KERNEL.groups2(w.data(), n, 0, 1, q, 0, two, 0, 32, scratch);
                Q6_KInterleaved.KERNEL.group4(w.data(), n, 0, q, 0, four, 0, 64, scratch);
                Q6_KInterleaved.KERNEL.group4(w.data(), n, 1, q, 0, four, 32, 64, scratch);
            } else {
                Q6_KInterleavedDot256.group(w.data(), 0, q.pairK, q.sum8K, 0, q.dK, 0, nb, one, 0);
                Q6_KInterleavedDot256.group(w.data(), g1, q.pairK, q.sum8K, 0, q.dK, 0, nb, one, 32);
                Q6_KInterleavedDot256.groups2(w.data(), 0, g1, q.pairK, q.sum8K, 0, q.dK, 0, nb, two, 0, 32);
                Q6_KInterleavedDot256.group4(w.data(), 0, q.pairK, q.sum8K, 0, n, q.dK, 0, nb, four, 0, 64);
                Q6_KInterleavedDot256.group4(w.data(), g1, q.pairK, q.sum8K, 0, n, q.dK, 0, nb, four, 32, 64);
            }
            if (round % 1000 != 999 && round != rounds - 1) continue;
            for (int t = 0; t < 4; t++) {
                Q6_KInterleavedDot.scalar(w.data(), 0, q.qK, t * n, q.dK, t * nb, nb, twin, t * 64);
                Q6_KInterleavedDot.scalar(w.data(), g1, q.qK, t * n, q.dK, t * nb, nb, twin, t * 64 + 32);
            }
            assertSame(twin, one, two, four, round);
        }
    }

    /**
     * The kernels of this CPU's width (each layout's {@code KERNEL}: the 512-bit ones by default, the
     * 256-bit ones in the {@code -XX:UseAVX=2} execution) equal the scalar twins too; a few calls, as
     * they forward to the kernels checked above and in the 512-bit kernels' tests.
     */
    @Test
    void theKernelsOfThisCpusWidthEqualTheScalarTwin() {
        q4_0(2, true);
        q4_K(2, true);
        int n = 2048;
        WeightMatrix w = Q6_KInterleaved.repack(file(GgmlType.Q6_K, 64, n, 9), arena, false, bytes -> {
        });
        Q8Activations q = new Q8Activations();
        q.set(RandomWeights.activations(4 * n, new Random(4)), 0, n, 4);
        q6_K(w, q, 2, true);
    }

    private static void assertSame(float[] twin, float[] one, float[] two, float[] four, int round) {
        int[] want = RandomWeights.bits(Arrays.copyOf(twin, 64));
        assertThat(RandomWeights.bits(one)).as("group, round %d", round).isEqualTo(want);
        assertThat(RandomWeights.bits(two)).as("groups2, round %d", round).isEqualTo(want);
        assertThat(RandomWeights.bits(four)).as("group4, round %d", round).isEqualTo(RandomWeights.bits(twin));
    }

    @Test
    void rowQuantizationIsTheSameAt256And512Bits() {
        int n = 1024, tokens = 3;
        Random rnd = new Random(5);
        float[] x = new float[tokens * n + 7];
        for (int j = 0; j < x.length; j++) x[j] = (float) rnd.nextGaussian() * (j % 97 == 0 ? 10 : 1);
        // a block with amax 127, so q = x exactly: ties and the floats next to them
        float[] edge = {127f, 2.5f, -2.5f, 0.5f, -0.5f, Math.nextDown(0.5f), Math.nextUp(-0.5f), Math.nextUp(2.5f), Math.nextDown(-2.5f), 126.5f, -126.5f, 0f, -0f};
        System.arraycopy(edge, 0, x, 7 + 96, edge.length);
        Arrays.fill(x, 7 + 128, 7 + 160, 0f); // an all-zero block
        Q8Activations wide = new Q8Activations(), narrow = new Q8Activations(), chosen = new Q8Activations();
        wide.set(x, 7, n, tokens);
        narrow.set(x, 7, n, tokens);
        chosen.set(x, 7, n, tokens);
        wide.quantizeRows512();
        narrow.quantizeRows256();
        chosen.prepareRows();
        assertThat(narrow.qR).isEqualTo(wide.qR);
        assertThat(RandomWeights.bits(narrow.dR)).isEqualTo(RandomWeights.bits(wide.dR));
        assertThat(narrow.biasR).isEqualTo(wide.biasR);
        assertThat(chosen.qR).isEqualTo(wide.qR);
        assertThat(chosen.biasR).isEqualTo(wide.biasR);
        assertThat(wide.qR[96 + 1]).isEqualTo((short) 3);
        assertThat(wide.qR[96 + 2]).isEqualTo((short) -3);
        assertThat(wide.dR[4]).isZero();
    }
}
