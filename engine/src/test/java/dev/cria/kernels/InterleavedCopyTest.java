package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each interleaved layout's repack ({@link InterleavedCopy} with the type's group copy) keeps every
 * value: each row of the copy decodes, bit for bit, to the file row's values (ggml's
 * dequantize_row_*), at the layout's size, for a row of an odd number of blocks and a Llama 3.2 1B
 * row of 2048 values.
 */
class InterleavedCopyTest {
    private static Arena arena;

    @BeforeAll
    static void open() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    @ParameterizedTest(name = "{0}, {1} values per row")
    @CsvSource({
            "Q4_0, 96, 32, 20, Q4_0_INTERLEAVED", "Q4_0, 2048, 32, 20, Q4_0_INTERLEAVED",
            "Q4_K, 768, 256, 152, Q4_K_INTERLEAVED", "Q4_K, 2048, 256, 152, Q4_K_INTERLEAVED",
            "Q6_K, 768, 256, 212, Q6_K_INTERLEAVED", "Q6_K, 2048, 256, 212, Q6_K_INTERLEAVED"})
    void interleavingKeepsEveryDecodedValue(GgmlType type, int n, int blockValues, int blockBytes, WeightMatrix.Layout layout) {
        WeightMatrix file = new WeightMatrix("test." + type, type, 64, n, RandomWeights.rows(type, 64, n, 0, new Random(n)));
        WeightMatrix packed = switch (type) {
            case Q4_0 -> Q4_0Interleaved.repack(file, arena, false, bytes -> {
            });
            case Q4_K -> Q4_KInterleaved.repack(file, arena, false, bytes -> {
            });
            case Q6_K -> Q6_KInterleaved.repack(file, arena, false, bytes -> {
            });
            default -> throw new IllegalArgumentException(type + " has no interleaved layout");
        };
        assertThat(packed.layout()).isEqualTo(layout);
        assertThat(packed.byteSize()).isEqualTo(64L * n / blockValues * blockBytes);
        for (int r = 0; r < 64; r++) {
            float[] want = new float[n], got = new float[n];
            Kernels.scalar(type).dequantize(file.data(), file.rowOffset(r), want, 0, n);
            Kernels.forMatrix(packed).dequantize(packed.data(), packed.rowOffset(r), got, 0, n);
            assertThat(RandomWeights.bits(got)).as("row %d", r).isEqualTo(RandomWeights.bits(want));
        }
    }
}
