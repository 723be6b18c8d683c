package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Vector API kernels of every type (512-bit, and 256-bit where noted) against their scalar twin, on random weights. */
class WeightKernelAgreementTest {
    private static final int ROWS = 5;
    private static final long LEAD = 3; // an odd start: nothing in a GGUF file is aligned

    /** Both vector kernels of every type: the 512-bit one (AVX-512) and the 256-bit one (AVX2). */
    static Stream<Named<WeightKernel>> vectorKernels() {
        return Arrays.stream(GgmlType.values()).flatMap(t -> Stream.of(
                Named.of(t + " 512-bit", Kernels.vector(t)), Named.of(t + " 256-bit", Kernels.vector256(t))));
    }

    @ParameterizedTest
    @MethodSource("vectorKernels")
    void vectorDequantizeIsBitIdenticalToScalar(WeightKernel vector) {
        GgmlType t = vector.type();
        Random rnd = new Random(t.ordinal() * 31L + 1);
        int n = RandomWeights.rowLength(t);
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        for (int r = 0; r < ROWS; r++) {
            long off = LEAD + r * t.bytesFor(n);
            float[] scalar = new float[n + 5];
            float[] decoded = new float[n + 5];
            Kernels.scalar(t).dequantize(w, off, scalar, 5, n);
            vector.dequantize(w, off, decoded, 5, n);
            assertThat(RandomWeights.bits(decoded)).as("%s row %d", t, r).isEqualTo(RandomWeights.bits(scalar));
        }
    }

    /** The batched path decodes rows straight into SplitTile's layout: values 0-15 of each group, then 16-31. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void splitDequantizeStoresTheSameBitsInTheTwoHalves(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 13L + 3);
        int n = RandomWeights.rowLength(t) / 32 * 32;
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        MemorySegment split = MemorySegment.ofArray(new float[n + 16]);
        for (int r = 0; r < ROWS; r++) {
            long off = LEAD + r * t.bytesFor(n);
            float[] plain = new float[n];
            Kernels.scalar(t).dequantize(w, off, plain, 0, n);
            long a = 64, b = 64 + 2L * n;
            Kernels.vector(t).dequantizeSplit(w, off, split, a, b, n, new float[n]);
            float[] got = split.asSlice(64, 4L * n).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
            float[] want = new float[n];
            for (int j = 0; j < n; j++) want[(j / 32) * 16 + j % 16 + (j % 32 < 16 ? 0 : n / 2)] = plain[j];
            assertThat(RandomWeights.bits(got)).as("%s row %d", t, r).isEqualTo(RandomWeights.bits(want));
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void vectorDotMatchesScalarWithinOneInAHundredThousand(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 17L + 2);
        int n = RandomWeights.rowLength(t);
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        float[] x = RandomWeights.activations(n + 7, rnd);
        float[] row = new float[n];
        for (int r = 0; r < ROWS; r++) {
            long off = LEAD + r * t.bytesFor(n);
            Kernels.scalar(t).dequantize(w, off, row, 0, n);
            double magnitude = 0;
            for (int j = 0; j < n; j++) magnitude += Math.abs((double) row[j] * x[7 + j]);
            float scalar = Kernels.scalar(t).dot(w, off, x, 7, n);
            float vector = Kernels.vector(t).dot(w, off, x, 7, n);
            assertThat(magnitude).isGreaterThan(0);
            assertThat((double) vector).as("%s row %d", t, r).isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-5 * magnitude));
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void fusedDotEqualsFloatDotOfTheDequantizedRowBitForBit(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 13L + 3);
        int n = RandomWeights.rowLength(t);
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        float[] x = RandomWeights.activations(n, rnd);
        float[] row = new float[n];
        for (int r = 0; r < ROWS; r++) {
            long off = LEAD + r * t.bytesFor(n);
            Kernels.vector(t).dequantize(w, off, row, 0, n);
            float fused = Kernels.vector(t).dot(w, off, x, 0, n);
            assertThat(Float.floatToRawIntBits(fused)).as("%s row %d", t, r)
                    .isEqualTo(Float.floatToRawIntBits(FloatDot.dot(row, 0, x, 0, n)));
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void twoRowDotGivesEachRowTheBitsOfTheOneRowDot(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 19L + 4);
        int n = RandomWeights.rowLength(t);
        MemorySegment w = RandomWeights.rows(t, ROWS, n, LEAD, rnd);
        float[] x = RandomWeights.activations(n + 3, rnd);
        for (int r = 0; r + 1 < ROWS; r++) {
            long o0 = LEAD + r * t.bytesFor(n), o1 = o0 + t.bytesFor(n);
            float[] out = new float[4];
            Kernels.vector(t).dot2(w, o0, o1, x, 3, n, out, 1, 2);
            assertThat(new int[]{Float.floatToRawIntBits(out[1]), Float.floatToRawIntBits(out[2])}).as("%s rows %d, %d", t, r, r + 1)
                    .containsExactly(Float.floatToRawIntBits(Kernels.vector(t).dot(w, o0, x, 3, n)),
                            Float.floatToRawIntBits(Kernels.vector(t).dot(w, o1, x, 3, n)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q4_K", "Q6_K", "F16"})
    void rowRangeDotGivesEveryRowTheBitsOfTheOneRowDot(GgmlType t) {
        Random rnd = new Random(t.ordinal() * 23L + 5);
        // K-quants: several super-blocks, so the reordered activations span them; F16: two decode
        // chunks, a partial third and a tail past the last 32-value group
        int n = t == GgmlType.F16 ? 2 * VectorFloatKernels.F16Kernel.CHUNK + 64 + 13 : 3 * 256;
        int rows = 7;    // odd: the last row has no partner in the far-apart order
        MemorySegment w = RandomWeights.rows(t, rows + 1, n, 0, rnd);
        float[] x = RandomWeights.activations(n + 3, rnd);
        RowRangeKernel kernel = (RowRangeKernel) Kernels.vector(t);
        float[] out = new float[rows + 2];
        kernel.dotRows(w, t.bytesFor(n), 1, rows + 1, x, 3, n, out, 1);
        for (int r = 1; r <= rows; r++) {
            assertThat(Float.floatToRawIntBits(out[1 + r])).as("%s row %d", t, r)
                    .isEqualTo(Float.floatToRawIntBits(Kernels.vector(t).dot(w, r * t.bytesFor(n), x, 3, n)));
        }
        assertThat(out[1]).as("row 0 is outside the range").isZero();
    }

    static Stream<Named<WeightKernel>> f16Kernels() {
        return Stream.of(Named.of("512-bit", Kernels.vector(GgmlType.F16)), Named.of("256-bit", Kernels.vector256(GgmlType.F16)));
    }

    @ParameterizedTest
    @MethodSource("f16Kernels")
    void f16DecodeIsBitIdenticalToFloat16ToFloatForAllHalves(WeightKernel f16) {
        MemorySegment w = java.lang.foreign.Arena.ofAuto().allocate(2 * 65536 + LEAD);
        for (int h = 0; h < 65536; h++) w.set(WeightBytes.I16, LEAD + 2L * h, (short) h);
        float[] vector = new float[65536];
        f16.dequantize(w, LEAD, vector, 0, 65536);
        for (int h = 0; h < 65536; h++) {
            assertThat(Float.floatToRawIntBits(vector[h])).as("half 0x%04x", h)
                    .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat((short) h)));
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void registryHasBothKernelsForEveryType(GgmlType t) {
        assertThat(Kernels.scalar(t).type()).isEqualTo(t);
        assertThat(Kernels.vector(t).type()).isEqualTo(t);
        assertThat(Kernels.vector256(t).type()).isEqualTo(t);
    }
}
