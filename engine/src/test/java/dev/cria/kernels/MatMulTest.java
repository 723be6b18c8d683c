package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MatMulTest {
    private static final int ROWS = 37;
    private static ComputePool one;
    private static ComputePool two;

    @BeforeAll
    static void pools() {
        one = new ComputePool(1);
        two = new ComputePool(2);
    }

    @AfterAll
    static void closePools() {
        one.close();
        two.close();
    }

    private static WeightMatrix matrix(GgmlType t, int rows, int cols, long seed) {
        return new WeightMatrix("test." + t, t, rows, cols, RandomWeights.rows(t, rows, cols, 0, new Random(seed)));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void matmulMatchesAFloat64ReferenceOverTheExactWeights(GgmlType t) {
        int cols = RandomWeights.rowLength(t);
        WeightMatrix w = matrix(t, ROWS, cols, 100 + t.ordinal());
        int batch = 5;
        float[] x = RandomWeights.activations(batch * cols, new Random(7));
        float[] out = new float[batch * ROWS];
        MatMul.matmul(two, w, x, batch, out);
        float[] row = new float[cols];
        for (int r = 0; r < ROWS; r++) {
            Kernels.scalar(t).dequantize(w.data(), w.rowOffset(r), row, 0, cols);
            for (int b = 0; b < batch; b++) {
                double ref = 0, mag = 0;
                for (int j = 0; j < cols; j++) {
                    ref += (double) row[j] * x[b * cols + j];
                    mag += Math.abs((double) row[j] * x[b * cols + j]);
                }
                assertThat((double) out[b * ROWS + r]).as("%s row %d token %d", t, r, b).isCloseTo(ref, within(1e-5 * mag));
            }
        }
    }

    /** Token {@code b}'s result must not depend on the batch, its place in it, or the thread count. */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void aTokenGetsTheSameBitsAloneInAnyBatchAndOnAnyThreadCount(GgmlType t) {
        int cols = RandomWeights.rowLength(t);
        WeightMatrix w = matrix(t, ROWS, cols, 200 + t.ordinal());
        float[] x16 = RandomWeights.activations(16 * cols, new Random(11));

        float[][] alone = new float[16][ROWS];
        for (int b = 0; b < 16; b++) MatMul.matvec(one, w, x16, b * cols, alone[b], 0);

        for (ComputePool pool : new ComputePool[]{one, two}) {
            float[] out16 = new float[16 * ROWS];
            MatMul.matmul(pool, w, x16, 16, out16);
            // batch 7 starting at token 5: token b sits at position b - 5
            float[] out7 = new float[7 * ROWS + 3];
            MatMul.matmul(pool, w, x16, 5 * cols, 7, out7, 3);
            float[] single = new float[ROWS];
            for (int b = 0; b < 16; b++) {
                assertThat(Arrays.copyOfRange(out16, b * ROWS, (b + 1) * ROWS))
                        .as("%s token %d in batch 16 on %d threads", t, b, pool.threads()).isEqualTo(alone[b]);
                if (b >= 5 && b < 12) {
                    assertThat(Arrays.copyOfRange(out7, 3 + (b - 5) * ROWS, 3 + (b - 4) * ROWS))
                            .as("%s token %d in batch 7 on %d threads", t, b, pool.threads()).isEqualTo(alone[b]);
                }
                MatMul.matvec(pool, w, x16, b * cols, single, 0);
                assertThat(single).as("%s token %d alone on %d threads", t, b, pool.threads()).isEqualTo(alone[b]);
            }
        }
    }

    @Test
    void batchedTilesCoverLargeBatchesOfLongRows() {
        // cols 8192 gives token tiles of 32: a batch of 67 spans three tiles and ends on an odd token.
        GgmlType t = GgmlType.Q4_0;
        int cols = 8192, rows = 9, batch = 67;
        WeightMatrix w = matrix(t, rows, cols, 300);
        float[] x = RandomWeights.activations(batch * cols, new Random(13));
        float[] out = new float[batch * rows];
        MatMul.matmul(two, w, x, batch, out);
        float[] single = new float[rows];
        for (int b = 0; b < batch; b++) {
            MatMul.matvec(one, w, x, b * cols, single, 0);
            assertThat(Arrays.copyOfRange(out, b * rows, (b + 1) * rows)).as("token %d", b).isEqualTo(single);
        }
    }

    /** Two or three tokens take the unsplit four-row path; four and more the split tile. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3, 4, 6})
    void smallBatchesGiveEachTokenItsMatvecBits(int batch) {
        GgmlType t = GgmlType.Q4_K;
        int cols = 512, rows = 11;
        WeightMatrix w = matrix(t, rows, cols, 400 + batch);
        float[] x = RandomWeights.activations(batch * cols, new Random(17));
        float[] out = new float[batch * rows];
        MatMul.matmul(two, w, x, batch, out);
        float[] single = new float[rows];
        for (int b = 0; b < batch; b++) {
            MatMul.matvec(one, w, x, b * cols, single, 0);
            assertThat(Arrays.copyOfRange(out, b * rows, (b + 1) * rows)).as("token %d of %d", b, batch).isEqualTo(single);
        }
    }

    /** Eight sequences' step on Q8_0 weights decodes in registers (the 512-bit kernels); the other group types keep the tile from seven. */
    @Test
    void eightQ8_0TokensTakeTheTokenGroupKernelOtherTypesTheTile() {
        assertThat(MatMul.tokenGroup(Kernels.vector(GgmlType.Q8_0), 8)).isTrue();
        assertThat(MatMul.tokenGroup(Kernels.vector(GgmlType.Q8_0), 11)).isTrue();
        assertThat(MatMul.tokenGroup(Kernels.vector(GgmlType.Q8_0), 12)).isFalse();
        for (GgmlType t : new GgmlType[]{GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            assertThat(MatMul.tokenGroup(Kernels.vector(t), 6)).as("%s, six tokens", t).isTrue();
            assertThat(MatMul.tokenGroup(Kernels.vector(t), 7)).as("%s, seven tokens", t).isFalse();
        }
        assertThat(MatMul.tokenGroup(Kernels.vector(GgmlType.Q8_0), 1)).as("one token is a matvec").isFalse();
    }

    /**
     * Two to six tokens take the token-group kernels (Q4_0, Q8_0, Q4_K, Q6_K; four tokens per pass,
     * then the rest) or the four-row path and the tile, seven and more the tile, except Q8_0 whose
     * group kernel takes up to eleven: every type, an odd row count (the group kernels' last row
     * pairs with itself), offsets into both arrays.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 9, 11, 12})
    void groupsOfTwoToTwelveTokensGiveEachTokenItsMatvecBits(int batch) {
        for (GgmlType t : GgmlType.values()) {
            int cols = RandomWeights.rowLength(t);
            WeightMatrix w = matrix(t, ROWS, cols, 500 + 10 * batch + t.ordinal());
            float[] x = RandomWeights.activations(3 + batch * cols, new Random(19 + batch));
            float[][] alone = new float[batch][ROWS];
            for (int b = 0; b < batch; b++) MatMul.matvec(one, w, x, 3 + b * cols, alone[b], 0);
            for (ComputePool pool : new ComputePool[]{one, two}) {
                float[] out = new float[5 + batch * ROWS];
                MatMul.matmul(pool, w, x, 3, batch, out, 5);
                for (int b = 0; b < batch; b++) {
                    assertThat(Arrays.copyOfRange(out, 5 + b * ROWS, 5 + (b + 1) * ROWS))
                            .as("%s token %d of %d on %d threads", t, b, batch, pool.threads()).isEqualTo(alone[b]);
                }
                assertThat(Arrays.copyOfRange(out, 0, 5)).as("%s: nothing written before the output offset", t).containsOnly(0f);
            }
        }
    }

    @Test
    void badSizesAreRejectedWithAClearMessage() {
        WeightMatrix w = matrix(GgmlType.Q8_0, 4, 64, 1);
        assertThatThrownBy(() -> MatMul.matmul(one, w, new float[64], 2, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activations need 128 floats");
        assertThatThrownBy(() -> MatMul.matmul(one, w, new float[128], 2, new float[7]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output needs 8 floats");
        assertThatThrownBy(() -> MatMul.matmul(one, w, new float[128], 0, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch must be at least 1");
    }
}
