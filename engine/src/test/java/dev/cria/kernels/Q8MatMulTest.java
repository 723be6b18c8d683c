package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model's matmul entry ({@link MatMul#matmul(ComputePool, WeightMatrix, float[], Q8Activations, int, float[])}):
 * which driver a matrix takes, and the integer driver ({@link Q8MatMul}) over each type's
 * {@link RowGroupKernel}. The kernels' own agreement with their scalar twins is in the
 * {@code *InterleavedTest} classes.
 */
class Q8MatMulTest {
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

    /** The types with an interleaved layout. */
    enum Interleavable {
        Q4_0(GgmlType.Q4_0), Q4_K(GgmlType.Q4_K), Q6_K(GgmlType.Q6_K);

        final GgmlType type;

        Interleavable(GgmlType type) {
            this.type = type;
        }

        WeightMatrix fileLayout(int rows, int cols, long seed) {
            return new WeightMatrix("test." + type, type, rows, cols, RandomWeights.rows(type, rows, cols, 0, new Random(seed)));
        }

        WeightMatrix interleaved(WeightMatrix file) {
            return switch (type) {
                case Q4_0 -> Q4_0Interleaved.repack(file, arena, false, bytes -> {
                });
                case Q4_K -> Q4_KInterleaved.repack(file, arena, false, bytes -> {
                });
                default -> Q6_KInterleaved.repack(file, arena, false, bytes -> {
                });
            };
        }
    }

    private static Q8Activations quantized(float[] x, int cols, int tokens) {
        Q8Activations q = new Q8Activations();
        q.set(x, 0, cols, tokens);
        return q;
    }

    @ParameterizedTest
    @EnumSource(Interleavable.class)
    void anInterleavedMatrixWithQuantizedActivationsTakesTheIntegerDriver(Interleavable t) {
        WeightMatrix w = t.interleaved(t.fileLayout(32, 256, 1));
        assertThat(MatMul.route(w, quantized(new float[256], 256, 1))).isEqualTo(MatMul.Route.INTEGER);
    }

    @ParameterizedTest
    @EnumSource(Interleavable.class)
    void anInterleavedMatrixWithoutQuantizedActivationsTakesTheFloatDriver(Interleavable t) {
        assertThat(MatMul.route(t.interleaved(t.fileLayout(32, 256, 1)), null)).isEqualTo(MatMul.Route.FLOAT);
    }

    @ParameterizedTest
    @EnumSource(Interleavable.class)
    void aMatrixLeftInTheFileLayoutTakesTheFloatDriverAndItsExactResults(Interleavable t) {
        int rows = 40, cols = 256; // 40 rows: not whole groups, so the loader leaves it in the file layout
        WeightMatrix w = t.fileLayout(rows, cols, 2);
        float[] x = RandomWeights.activations(2 * cols, new Random(3));
        Q8Activations q = quantized(x, cols, 2);
        assertThat(MatMul.route(w, q)).isEqualTo(MatMul.Route.FLOAT);
        float[] got = new float[2 * rows], exact = new float[2 * rows];
        MatMul.matmul(two, w, x, q, 2, got);
        MatMul.matmul(two, w, x, 2, exact);
        assertThat(RandomWeights.bits(got)).isEqualTo(RandomWeights.bits(exact));
    }

    @Test
    void typesWithoutIntegerKernelsTakeTheFloatDriver() {
        for (GgmlType t : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q5_K}) {
            WeightMatrix w = new WeightMatrix("test." + t, t, 32, 256, RandomWeights.rows(t, 32, 256, 0, new Random(4)));
            assertThat(MatMul.route(w, quantized(new float[256], 256, 1))).as("%s", t).isEqualTo(MatMul.Route.FLOAT);
        }
    }

    /**
     * Through the entry, every batch size from 1 to 9 (one token: pairs of groups, an odd group count
     * alone; several: four tokens at a time and one to three left), each token's results bit for bit
     * those of the token alone.
     */
    @ParameterizedTest
    @EnumSource(Interleavable.class)
    void aTokensResultsDoNotDependOnItsBatchOrTheThreads(Interleavable t) {
        int cols = 2048, rows = 96; // three groups: the one-token job pairs two and takes one alone
        WeightMatrix w = t.interleaved(t.fileLayout(rows, cols, 13));
        float[] x = RandomWeights.activations(9 * cols, new Random(17));
        for (int tokens = 1; tokens <= 9; tokens++) {
            float[] all = new float[tokens * rows];
            MatMul.matmul(two, w, x, quantized(x, cols, tokens), tokens, all);
            for (int k = 0; k < tokens; k++) {
                float[] one = java.util.Arrays.copyOfRange(x, k * cols, (k + 1) * cols);
                float[] alone = new float[rows];
                MatMul.matmul(two, w, one, quantized(one, cols, 1), 1, alone);
                float[] inBatch = java.util.Arrays.copyOfRange(all, k * rows, (k + 1) * rows);
                assertThat(RandomWeights.bits(inBatch)).as("token %d of %d", k, tokens).isEqualTo(RandomWeights.bits(alone));
            }
        }
    }

    @Test
    void theIntegerDriverRejectsAMatrixWithoutIntegerKernels() {
        WeightMatrix w = Interleavable.Q4_0.fileLayout(32, 256, 5);
        assertThatThrownBy(() -> Q8MatMul.matmul(two, w, quantized(new float[256], 256, 1), new float[32], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no integer kernels");
    }

    @Test
    void theIntegerDriverRejectsActivationsOfAnotherLength() {
        WeightMatrix w = Interleavable.Q4_0.interleaved(Interleavable.Q4_0.fileLayout(32, 256, 5));
        assertThatThrownBy(() -> Q8MatMul.matmul(two, w, quantized(new float[512], 512, 1), new float[32], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256 columns, but the activations hold 512");
    }

    @Test
    void theIntegerDriverRejectsAnOutputTooShortForEveryToken() {
        WeightMatrix w = Interleavable.Q4_0.interleaved(Interleavable.Q4_0.fileLayout(32, 256, 5));
        assertThatThrownBy(() -> Q8MatMul.matmul(two, w, quantized(new float[512], 256, 2), new float[63], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output needs 64 floats");
    }

    @Test
    void theEntryRejectsQuantizedActivationsOfAnotherTokenCount() {
        WeightMatrix w = Interleavable.Q4_0.interleaved(Interleavable.Q4_0.fileLayout(32, 256, 5));
        float[] x = new float[512];
        assertThatThrownBy(() -> MatMul.matmul(two, w, x, quantized(x, 256, 1), 2, new float[64]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 tokens, but the quantized activations hold 1");
    }
}
