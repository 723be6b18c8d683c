package dev.cria.loader;

import dev.cria.kernels.ComputePool;
import dev.cria.kv.KvSequence;
import dev.cria.model.LlamaModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Hugging Face folder (BF16 safetensors, rotate-half q/k rows, rope_scaling from config.json)
 * and the F16 GGUF (the same weights, exactly: testdata/golden/README.md §1; permuted q/k rows,
 * rope_freqs.weight) are one model: their logits agree to float32 rounding at every position.
 */
class HfFolderMatchesGgufTest {
    @Test
    void sameLogitsForEveryPositionOfALongPrompt() throws Exception {
        Golden.Case c = Golden.cases("logits/tiny-llama3-F16.json").stream().filter(x -> x.prompt().equals("long_300")).findFirst().orElseThrow();
        try (ComputePool pool = new ComputePool(2);
             ModelLoader.Weights hf = ModelLoader.loadWeights(Golden.model("tiny-llama3"));
             ModelLoader.Weights gguf = ModelLoader.loadWeights(Golden.model("tiny-llama3-F16.gguf"))) {
            assertThat(hf.config().ropeRotateHalf()).isTrue();
            assertThat(gguf.config().ropeRotateHalf()).isFalse();
            assertThat(hf.config().ropeFreqFactors()).containsExactly(gguf.config().ropeFreqFactors(), org.assertj.core.data.Offset.offset(1e-6f));
            float[] a = allLogits(new LlamaModel(hf.config(), hf.weights(), pool, 64), c.ids());
            float[] b = allLogits(new LlamaModel(gguf.config(), gguf.weights(), pool, 64), c.ids());
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                maxAbs = Math.max(maxAbs, Math.abs(b[i]));
            }
            assertThat(maxDiff).as("max |Δlogit| (max |logit| %.1f)", maxAbs).isLessThan(1e-3);
        }
    }

    /** Logits of the last token of each 64-token chunk (every chunk boundary crosses all layers). */
    private static float[] allLogits(LlamaModel m, int[] ids) {
        int vocab = m.config().vocabSize();
        KvSequence kv = m.newSequence(ids.length);
        int chunks = (ids.length + 63) / 64;
        float[] out = new float[chunks * vocab];
        for (int ch = 0; ch < chunks; ch++) {
            int start = ch * 64;
            int k = Math.min(64, ids.length - start);
            int[] tokens = new int[k];
            int[] pos = new int[k];
            KvSequence[] kvs = new KvSequence[k];
            boolean[] want = new boolean[k];
            for (int i = 0; i < k; i++) {
                tokens[i] = ids[start + i];
                pos[i] = start + i;
                kvs[i] = kv;
            }
            want[k - 1] = true;
            float[] logits = new float[vocab];
            m.forward(k, tokens, pos, kvs, want, logits);
            System.arraycopy(logits, 0, out, ch * vocab, vocab);
        }
        return out;
    }
}
