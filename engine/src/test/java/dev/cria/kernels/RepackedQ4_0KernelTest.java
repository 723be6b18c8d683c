package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Q4_0 repacked at load ({@link Q4_0Repacked}) and its kernels, against the file layout's and the scalar reference, bit for bit. */
class RepackedQ4_0KernelTest {
    private static final int ROWS = 7;
    /** 2048 is a Llama 3.2 1B row; 96 (three blocks) an odd count of blocks. */
    private static final int[] LENGTHS = {96, 2048};
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

    @Test
    void repackingKeepsEveryDecodedValue() {
        for (int n : LENGTHS) {
            WeightMatrix file = fileLayout(ROWS, n, n);
            WeightMatrix packed = Q4_0Repacked.repack(file, arena, false);
            assertThat(packed.layout()).isEqualTo(WeightMatrix.Layout.Q4_0_REPACKED);
            assertThat(packed.rowBytes()).isEqualTo(n / 32 * 20L);
            for (int r = 0; r < ROWS; r++) {
                float[] want = new float[n], got = new float[n];
                Kernels.scalar(GgmlType.Q4_0).dequantize(file.data(), file.rowOffset(r), want, 0, n);
                Kernels.scalar(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED).dequantize(packed.data(), packed.rowOffset(r), got, 0, n);
                assertThat(RandomWeights.bits(got)).as("n %d row %d", n, r).isEqualTo(RandomWeights.bits(want));
            }
        }
    }

    @Test
    void vectorDecodeIsBitIdenticalToTheScalarTwin() {
        WeightKernel vector = Kernels.vector(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED);
        WeightKernel scalar = Kernels.scalar(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED);
        for (int n : LENGTHS) {
            WeightMatrix packed = Q4_0Repacked.repack(fileLayout(ROWS, n, n + 1), arena, false);
            MemorySegment split = MemorySegment.ofArray(new float[n + 16]);
            for (int r = 0; r < ROWS; r++) {
                float[] want = new float[n + 3], got = new float[n + 3];
                scalar.dequantize(packed.data(), packed.rowOffset(r), want, 3, n);
                vector.dequantize(packed.data(), packed.rowOffset(r), got, 3, n);
                assertThat(RandomWeights.bits(got)).as("n %d row %d", n, r).isEqualTo(RandomWeights.bits(want));
                // the tile decode: values 0-15 of each block at a, 16-31 at b
                vector.dequantizeSplit(packed.data(), packed.rowOffset(r), split, 64, 64 + 2L * n, n, new float[n]);
                float[] halves = split.asSlice(64, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
                float[] wantHalves = new float[n];
                for (int j = 0; j < n; j++) wantHalves[(j / 32) * 16 + j % 16 + (j % 32 < 16 ? 0 : n / 2)] = want[3 + j];
                assertThat(RandomWeights.bits(halves)).as("split n %d row %d", n, r).isEqualTo(RandomWeights.bits(wantHalves));
            }
        }
    }

    /** The scalar twin's floats summed in FloatDot's order, and the file-layout kernel's dot: the same bits. */
    @Test
    void vectorDotIsBitIdenticalToTheScalarDecodeInFloatDotOrderAndToTheFileLayoutKernel() {
        WeightKernel vector = Kernels.vector(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED);
        WeightKernel scalar = Kernels.scalar(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED);
        Random rnd = new Random(5);
        for (int n : LENGTHS) {
            WeightMatrix file = fileLayout(ROWS, n, n + 2);
            WeightMatrix packed = Q4_0Repacked.repack(file, arena, false);
            float[] x = RandomWeights.activations(n + 5, rnd);
            float[] rows = new float[ROWS];
            ((RowRangeKernel) vector).dotRows(packed.data(), packed.rowBytes(), 0, ROWS, x, 5, n, rows, 0);
            for (int r = 0; r < ROWS; r++) {
                float[] decoded = new float[n];
                scalar.dequantize(packed.data(), packed.rowOffset(r), decoded, 0, n);
                float want = FloatDot.dot(decoded, 0, x, 5, n);
                assertThat(Float.floatToRawIntBits(vector.dot(packed.data(), packed.rowOffset(r), x, 5, n))).as("n %d row %d", n, r)
                        .isEqualTo(Float.floatToRawIntBits(want))
                        .isEqualTo(Float.floatToRawIntBits(Kernels.vector(GgmlType.Q4_0).dot(file.data(), file.rowOffset(r), x, 5, n)));
                assertThat(Float.floatToRawIntBits(rows[r])).as("dotRows n %d row %d", n, r).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /** Every MatMul route (one token, token groups of 2-6, the tile from 7 on) gives the file layout's bits. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 9, 16})
    void matmulOnTheRepackedLayoutGivesTheFileLayoutsBits(int batch) {
        int rows = 37, cols = 2048;
        WeightMatrix file = fileLayout(rows, cols, batch);
        WeightMatrix packed = Q4_0Repacked.repack(file, arena, false);
        float[] x = RandomWeights.activations(batch * cols, new Random(batch));
        float[] want = new float[batch * rows], got = new float[batch * rows];
        MatMul.matmul(two, file, x, batch, want);
        MatMul.matmul(two, packed, x, batch, got);
        assertThat(RandomWeights.bits(got)).isEqualTo(RandomWeights.bits(want));
    }

    @Test
    void onlyQ4_0InItsFileLayoutIsRepacked() {
        WeightMatrix q8 = new WeightMatrix("test.q8_0", GgmlType.Q8_0, 2, 64, RandomWeights.rows(GgmlType.Q8_0, 2, 64, 0, new Random(1)));
        assertThatThrownBy(() -> Q4_0Repacked.repack(q8, arena, false)).hasMessageContaining("Q8_0");
        WeightMatrix packed = Q4_0Repacked.repack(fileLayout(2, 64, 1), arena, false);
        assertThatThrownBy(() -> Q4_0Repacked.repack(packed, arena, false)).hasMessageContaining("Q4_0_REPACKED");
        assertThatThrownBy(() -> new WeightMatrix("x", GgmlType.Q8_0, 2, 64, q8.data(), WeightMatrix.Layout.Q4_0_REPACKED))
                .hasMessageContaining("holds Q4_0");
    }

    @Test
    void repackingTellsItsListenerTheSourceBytesOfEachRowChunkUpToTheWholeMatrix() {
        WeightMatrix file = fileLayout(2 * Q4_0Repacked.REPORT_ROWS + 1, 32, 9);
        java.util.List<Long> reports = new java.util.ArrayList<>();

        Q4_0Repacked.repack(file, arena, false, reports::add);

        assertThat(reports).containsExactly(Q4_0Repacked.REPORT_ROWS * file.rowBytes(), Q4_0Repacked.REPORT_ROWS * file.rowBytes(), file.rowBytes());
    }
}
