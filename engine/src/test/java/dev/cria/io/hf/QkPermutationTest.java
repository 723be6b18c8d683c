package dev.cria.io.hf;

import dev.cria.io.gguf.GgufFile;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.TensorData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why {@link HfModelFolder#ropeRotateHalf()} is enough and no weight is permuted: on the real
 * tiny-llama3 weights (the F16 GGUF holds exactly the folder's BF16 values), each GGUF q/k head is
 * the HF head with its rows interleaved, GGUF row {@code h*d + 2i} = HF row {@code h*d + i} and
 * GGUF row {@code h*d + 2i+1} = HF row {@code h*d + d/2 + i} (testdata/golden/README.md, "q/k
 * permutation"). So adjacent-pair RoPE on GGUF rows rotates the same pairs of values as
 * rotate-half RoPE on HF rows.
 */
class QkPermutationTest {
    private static final Path MODELS = Path.of(System.getProperty("cria.testdata")).resolve("models");
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Value {@code col} of row {@code row} of a 2-D F16 or BF16 tensor, decoded to float. */
    private static float value(TensorData t, long row, long col) {
        short bits = t.data().get(U16_LE, (row * t.ne()[0] + col) * 2);
        return switch (t.type()) {
            case F16 -> Float.float16ToFloat(bits);
            case BF16 -> Float.intBitsToFloat((bits & 0xFFFF) << 16);
            default -> throw new IllegalArgumentException(t.type().toString());
        };
    }

    @ParameterizedTest
    @CsvSource({"blk.0.attn_q.weight, 4", "blk.0.attn_k.weight, 2", "blk.1.attn_q.weight, 4", "blk.1.attn_k.weight, 2"})
    void ggufRowsAreHfRowsInterleavedPerHead(String name, int heads) {
        try (GgufFile gguf = GgufFile.open(MODELS.resolve("tiny-llama3-F16.gguf"));
             HfModelFolder hf = HfModelFolder.open(MODELS.resolve("tiny-llama3"))) {
            TensorData g = gguf.tensor(name), h = hf.tensor(name);
            assertThat(g.type()).isEqualTo(GgmlType.F16);
            assertThat(h.type()).isEqualTo(GgmlType.BF16);
            assertThat(g.ne()).containsExactly(h.ne());
            int d = hf.config().headDim();
            assertThat(g.ne()[1]).isEqualTo((long) heads * d);
            long cols = g.ne()[0];
            int nonZero = 0;
            for (int head = 0; head < heads; head++) {
                for (int i = 0; i < d / 2; i++) {
                    for (long c = 0; c < cols; c++) {
                        float x = value(h, head * d + i, c), y = value(h, head * d + d / 2 + i, c);
                        assertThat(value(g, head * d + 2 * i, c)).isEqualTo(x);
                        assertThat(value(g, head * d + 2 * i + 1, c)).isEqualTo(y);
                        if (x != 0) nonZero++;
                    }
                }
            }
            assertThat(nonZero).isGreaterThan(heads * d / 2 * (int) cols / 2); // real weights, not zeros
            assertThat(hf.ropeRotateHalf()).isTrue();
        }
    }

    @ParameterizedTest
    @CsvSource({"blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.1.ffn_down.weight"})
    void otherWeightsAreTheSameRowsInBothFiles(String name) {
        try (GgufFile gguf = GgufFile.open(MODELS.resolve("tiny-llama3-F16.gguf"));
             HfModelFolder hf = HfModelFolder.open(MODELS.resolve("tiny-llama3"))) {
            TensorData g = gguf.tensor(name), h = hf.tensor(name);
            assertThat(g.ne()).containsExactly(h.ne());
            for (long r = 0; r < g.ne()[1]; r++) {
                for (long c = 0; c < g.ne()[0]; c++) assertThat(value(g, r, c)).isEqualTo(value(h, r, c));
            }
        }
    }
}
