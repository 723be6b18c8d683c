package dev.cria.loader;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.Q4_0Repacked;
import dev.cria.kv.KvSequence;
import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaModel;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A Q4_0 file loaded with its weights repacked computes the same bits as in the file layout. */
class Q4_0RepackedLoadTest {
    private static final String MODEL = "tiny-llama3-Q4_0.gguf";

    @Test
    void theLoaderRepacksEveryQ4_0MatrixWithThe512BitKernels() throws Exception {
        try (ModelLoader.Weights w = ModelLoader.loadWeights(Golden.model(MODEL))) {
            WeightMatrix.Layout want = Q4_0Repacked.enabled() ? WeightMatrix.Layout.Q4_0_REPACKED : WeightMatrix.Layout.GGML_BLOCKS;
            int q4 = 0;
            for (LayerWeights l : w.weights().layers()) {
                for (WeightMatrix m : l.matrices()) {
                    if (m.type() == GgmlType.Q4_0) {
                        q4++;
                        assertThat(m.layout()).as(m.name()).isEqualTo(want);
                    }
                }
            }
            assertThat(q4).isPositive();
            if (w.weights().output().type() == GgmlType.Q4_0) assertThat(w.weights().output().layout()).isEqualTo(want);
        }
    }

    /** A prompt in one batch (the tile and token-group routes) and greedy steps (the one-token route), logits compared bit for bit. */
    @Test
    void repackedWeightsGiveTheFileLayoutsLogitsBitForBit() throws Exception {
        Path model = Golden.model(MODEL);
        try (ComputePool pool = new ComputePool(2);
             ModelLoader.Weights file = ModelLoader.loadGgufWeights(model, false, LoadProgress.NONE);
             ModelLoader.Weights packed = ModelLoader.loadGgufWeights(model, true, LoadProgress.NONE)) {
            assertThat(packed.weights().layers().get(0).wq().layout()).isEqualTo(WeightMatrix.Layout.Q4_0_REPACKED);
            assertThat(logits(file, pool)).isEqualTo(logits(packed, pool));
        }
    }

    /** Raw float bits of a 9-token prompt's logits (all positions), then of 3 greedy steps and of a 4-token group. */
    private static int[] logits(ModelLoader.Weights w, ComputePool pool) {
        LlamaModel m = new LlamaModel(w.config(), w.weights(), pool, 16);
        int vocab = w.config().vocabSize(), n = 9;
        KvSequence kv = m.newSequence(32);
        float[] out = new float[16 * vocab];
        int[] tokens = new int[n], pos = new int[n];
        KvSequence[] kvs = new KvSequence[n];
        boolean[] want = new boolean[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = 100 + 37 * i;
            pos[i] = i;
            kvs[i] = kv;
            want[i] = true;
        }
        m.forward(n, tokens, pos, kvs, want, out);
        float[] all = Arrays.copyOf(out, (n + 3 + 4) * vocab);
        int token = 1;
        for (int s = 0; s < 3; s++) {
            m.forward(1, new int[]{token}, new int[]{n + s}, new KvSequence[]{kv}, new boolean[]{true}, out);
            System.arraycopy(out, 0, all, (n + s) * vocab, vocab);
            token = (token * 7919 + s) % vocab;
        }
        KvSequence[] four = {m.newSequence(8), m.newSequence(8), m.newSequence(8), m.newSequence(8)};
        m.forward(4, new int[]{5, 6, 7, 8}, new int[]{0, 0, 0, 0}, four, new boolean[]{true, true, true, true}, out);
        System.arraycopy(out, 0, all, (n + 3) * vocab, 4 * vocab);
        int[] bits = new int[all.length];
        for (int i = 0; i < all.length; i++) bits[i] = Float.floatToRawIntBits(all[i]);
        return bits;
    }
}
