package dev.cria.loader;

import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The interleaving phase on several threads writes what one thread writes, matrix by matrix. */
class InterleavingTest {
    private static List<WeightMatrix> matrices(LlamaWeights w) {
        List<WeightMatrix> all = new ArrayList<>(List.of(w.tokenEmbedding(), w.output()));
        for (LayerWeights l : w.layers()) all.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-llama3-Q4_0.gguf", "zoo/zoo-Q4_K.gguf", "zoo/zoo-Q6_K.gguf"})
    void threeThreadsWriteTheBytesOneThreadWrites(String model) throws Exception {
        try (ModelLoader.Weights a = ModelLoader.loadGgufWeights(Golden.model(model), false, LoadProgress.NONE);
             ModelLoader.Weights b = ModelLoader.loadGgufWeights(Golden.model(model), false, LoadProgress.NONE);
             Arena arena = Arena.ofShared()) {
            // releasing the source's pages only drops them from the resident set: the mapping reads them again
            List<WeightMatrix> one = matrices(Interleaving.apply(a.weights(), arena, LoadProgress.NONE, 1));
            List<WeightMatrix> three = matrices(Interleaving.apply(b.weights(), arena, LoadProgress.NONE, 3));

            assertThat(three).hasSameSizeAs(one);
            for (int i = 0; i < one.size(); i++) {
                assertThat(three.get(i).layout()).as(one.get(i).name()).isEqualTo(one.get(i).layout());
                assertThat(three.get(i).data().mismatch(one.get(i).data())).as(one.get(i).name()).isEqualTo(-1L);
            }
            assertThat(one).anyMatch(m -> m.layout() != WeightMatrix.Layout.GGML_BLOCKS);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aTiedOutputStaysTheEmbeddingMatrix(int threads) throws Exception {
        try (ModelLoader.Weights file = ModelLoader.loadGgufWeights(Golden.model("tiny-llama3-Q4_0.gguf"), false, LoadProgress.NONE);
             Arena arena = Arena.ofShared()) {
            assertThat(file.weights().output()).isSameAs(file.weights().tokenEmbedding());

            LlamaWeights packed = Interleaving.apply(file.weights(), arena, LoadProgress.NONE, threads);

            assertThat(packed.output()).isSameAs(packed.tokenEmbedding());
            assertThat(packed.output().layout()).isEqualTo(WeightMatrix.Layout.Q4_0_INTERLEAVED);
        }
    }
}
