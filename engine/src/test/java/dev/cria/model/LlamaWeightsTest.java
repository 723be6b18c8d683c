package dev.cria.model;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LlamaWeightsTest {
    private static WeightMatrix matrix(GgmlType type, int rows, int cols) {
        return new WeightMatrix("w", type, rows, cols, MemorySegment.ofArray(new byte[(int) type.bytesFor((long) rows * cols)]));
    }

    /** Two layers of dim 64, kv dim 32, ffn 128, and a 100 x 64 output: sizes chosen so every term shows. */
    private static LlamaWeights weights(GgmlType type) {
        LayerWeights layer = new LayerWeights(new float[64], matrix(type, 64, 64), matrix(type, 32, 64), matrix(type, 32, 64),
                matrix(type, 64, 64), new float[64], matrix(type, 128, 64), matrix(type, 128, 64), matrix(type, 64, 128));
        WeightMatrix embedding = matrix(type, 100, 64);
        return new LlamaWeights(embedding, List.of(layer, layer), new float[64], embedding);
    }

    @Test
    void aPromptTokenCostsTheLayerMatricesMultiplyAdds() {
        long perLayer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 128 * 64;

        assertThat(weights(GgmlType.Q8_0).layerMultiplyAddsPerToken()).isEqualTo(2 * perLayer);
    }

    @Test
    void aGeneratedTokenReadsTheLayerMatricesAndTheOutputMatrix() {
        long perLayer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 128 * 64;

        assertThat(weights(GgmlType.F16).bytesPerToken()).isEqualTo(2 * (2 * perLayer + 100 * 64));
    }

    @Test
    void tiedEmbeddingsCountTheirParametersOnce() {
        long perLayer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 128 * 64 + 2 * 64; // matrices and the two norms

        assertThat(weights(GgmlType.F16).parameterCount()).isEqualTo(100 * 64 + 2 * perLayer + 64);
    }

    @Test
    void anUntiedOutputMatrixAddsItsParameters() {
        LlamaWeights tied = weights(GgmlType.F16);
        LlamaWeights untied = new LlamaWeights(tied.tokenEmbedding(), tied.layers(), tied.outputNorm(), matrix(GgmlType.F16, 100, 64));

        assertThat(untied.parameterCount()).isEqualTo(tied.parameterCount() + 100 * 64);
    }
}
