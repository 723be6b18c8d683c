package dev.cria.loader;

import dev.cria.kernels.ComputePool;
import dev.cria.kv.KvSequence;
import dev.cria.model.ActivationType;
import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaModel;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The zoo's Q6_K model loaded for Q8 activations: with the integer kernels (512-bit, or 256-bit without
 * AVX-512) every Q6_K matrix (all of its shapes allow it) is interleaved ({@code dev.cria.kernels.Q6_KInterleaved}), the
 * embedding rows decode as from the file, the file layout takes the exact path (q8 or not: the same
 * logits), and a prompt batch gives each token the logits it gets alone, bit for bit. The interleaved
 * model's logits against the reference: Q8ActivationsGoldenTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Q6_KInterleavedLoadTest {
    private static final int[] PROMPT = {752, 17, 301, 42, 99, 512, 7};
    private ComputePool pool;

    @BeforeAll
    void open() {
        pool = new ComputePool(2);
    }

    @AfterAll
    void close() {
        pool.close();
    }

    private static List<WeightMatrix> matrices(LlamaWeights w) {
        return Stream.concat(Stream.of(w.tokenEmbedding(), w.output()), w.layers().stream().flatMap((LayerWeights l) -> Stream.of(
                l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()))).toList();
    }

    @Test
    void q8InterleavesEveryQ6_KMatrixAndKeepsItsRows() throws Exception {
        try (ModelLoader.Weights file = ModelLoader.loadWeights(Golden.model("zoo/zoo-Q6_K.gguf"));
             ModelLoader.Weights inter = ModelLoader.loadWeights(Golden.model("zoo/zoo-Q6_K.gguf"), ActivationType.Q8, LoadProgress.NONE)) {
            WeightMatrix.Layout want = WeightMatrix.Layout.Q6_K_INTERLEAVED;
            for (WeightMatrix m : matrices(inter.weights())) {
                assertThat(m.type()).isEqualTo(GgmlType.Q6_K);
                assertThat(m.layout()).as(m.name()).isEqualTo(want);
            }
            WeightMatrix fe = file.weights().tokenEmbedding(), ie = inter.weights().tokenEmbedding();
            for (int r = 0; r < fe.rows(); r += 37) {
                float[] a = new float[fe.cols()], b = new float[fe.cols()];
                dev.cria.kernels.Kernels.forMatrix(fe).dequantize(fe.data(), fe.rowOffset(r), a, 0, fe.cols());
                dev.cria.kernels.Kernels.forMatrix(ie).dequantize(ie.data(), ie.rowOffset(r), b, 0, ie.cols());
                assertThat(b).as("embedding row %d", r).isEqualTo(a);
            }
            // weights left in the file layout take the exact float path even with q8 activations
            LlamaModel fileQ8 = new LlamaModel(file.config(), file.weights(), pool, 1, ActivationType.Q8);
            LlamaModel fileF32 = new LlamaModel(file.config(), file.weights(), pool, 1, ActivationType.F32);
            int vocab = file.config().vocabSize();
            KvSequence kq = fileQ8.newSequence(PROMPT.length), kf = fileF32.newSequence(PROMPT.length);
            float[] a = new float[vocab], b = new float[vocab];
            for (int p = 0; p < PROMPT.length; p++) {
                fileQ8.forward(1, new int[]{PROMPT[p]}, new int[]{p}, new KvSequence[]{kq}, new boolean[]{true}, a);
                fileF32.forward(1, new int[]{PROMPT[p]}, new int[]{p}, new KvSequence[]{kf}, new boolean[]{true}, b);
                assertThat(a).as("position %d", p).isEqualTo(b);
            }
        }
    }

    @Test
    void aPromptBatchGivesEachTokenItsLogitsAlone() throws Exception {
        try (ModelLoader.Weights inter = ModelLoader.loadWeights(Golden.model("zoo/zoo-Q6_K.gguf"), ActivationType.Q8, LoadProgress.NONE)) {
            int n = PROMPT.length, vocab = inter.config().vocabSize();
            LlamaModel batch = new LlamaModel(inter.config(), inter.weights(), pool, n, ActivationType.Q8);
            KvSequence kb = batch.newSequence(n), ks = batch.newSequence(n);
            int[] positions = new int[n];
            KvSequence[] seqs = new KvSequence[n];
            boolean[] want = new boolean[n];
            for (int i = 0; i < n; i++) {
                positions[i] = i;
                seqs[i] = kb;
                want[i] = true;
            }
            float[] all = new float[n * vocab];
            batch.forward(n, PROMPT, positions, seqs, want, all);
            float[] one = new float[vocab];
            for (int p = 0; p < n; p++) {
                batch.forward(1, new int[]{PROMPT[p]}, new int[]{p}, new KvSequence[]{ks}, new boolean[]{true}, one);
                assertThat(Arrays.copyOfRange(all, p * vocab, (p + 1) * vocab)).as("position %d", p).isEqualTo(one);
            }
        }
    }
}
