package dev.cria.model;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvSequence;
import dev.cria.kv.KvType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Block-by-block (online softmax) attention over long contexts equals the textbook two-pass
 * softmax computed in double from the same stored keys and values: many blocks, a partial last
 * block, a running maximum that keeps growing (rescaling), groups of 1 to 6 query heads per kv
 * head (one tile, a partial tile, two tiles), and the per-position fallback for block sizes the
 * vector kernels do not take.
 */
class AttentionTest {
    static final int LAYERS = 2;

    @ParameterizedTest(name = "{0}: {1} heads / {2} kv heads of {3}, {4} positions, blocks of {5}")
    @CsvSource({
            "F32, 8, 2, 64, 300, 16",
            "F16, 8, 2, 64, 300, 16",
            "Q8_0, 8, 2, 64, 300, 16",
            "F32, 6, 2, 16, 77, 16",
            "Q8_0, 12, 2, 32, 200, 16",
            "F32, 2, 2, 64, 40, 16",
            "F32, 8, 2, 64, 130, 4",
            "Q8_0, 8, 2, 64, 1, 16"})
    void blockAttentionEqualsTwoPassSoftmax(KvType type, int heads, int kvHeads, int headDim, int positions, int blockSize) {
        LlamaConfig c = new LlamaConfig(heads * headDim, LAYERS, heads, kvHeads, headDim, 4 * headDim, 100, 4096, 1e-5f, 10000, null, false);
        int kvDim = c.kvDim();
        KvSequence seq = new KvSequence(new KvBlockPool(LAYERS, kvDim, headDim, blockSize, (positions + blockSize - 1) / blockSize + 2, type));
        assertThat(seq.reserve(positions)).isTrue();
        SplittableRandom rnd = new SplittableRandom(positions);
        float[] k = new float[kvDim], v = new float[kvDim];
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int p = 0; p < positions; p++) {
                for (int j = 0; j < kvDim; j++) {
                    // a drift that grows with p, so later blocks keep raising the running maximum
                    k[j] = (float) (rnd.nextGaussian() + (j % 3 == 0 ? 2.0 * p / positions : 0));
                    v[j] = (float) rnd.nextGaussian();
                }
                seq.store().write(layer, seq.row(p), k, 0, v, 0);
            }
        }
        float[] q = new float[c.qDim()];
        for (int j = 0; j < q.length; j++) q[j] = (float) (3 * rnd.nextGaussian()); // peaked softmax
        int group = heads / kvHeads;
        Attention attention = new Attention(c);
        float[] out = new float[c.qDim()];
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int g = 0; g < kvHeads; g++) attention.run(layer, seq, g, positions - 1, q, out, g * group * headDim);
            for (int h = 0; h < heads; h++) {
                double[] expected = twoPass(seq, layer, h / group, positions, q, h * headDim, headDim);
                for (int j = 0; j < headDim; j++) {
                    assertThat((double) out[h * headDim + j]).as("layer %d head %d dim %d", layer, h, j).isCloseTo(expected[j], within(2e-5));
                }
            }
        }
    }

    /** softmax(q·k_p / sqrt(d)) over p, then Σ_p weight_p v_p, all in double, from the store's per-row reads. */
    static double[] twoPass(KvSequence seq, int layer, int kvHead, int positions, float[] q, int qOff, int headDim) {
        double[] scores = new double[positions];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < positions; p++) {
            scores[p] = seq.store().dotKey(layer, seq.row(p), kvHead, q, qOff) / Math.sqrt(headDim);
            max = Math.max(max, scores[p]);
        }
        double sum = 0;
        for (int p = 0; p < positions; p++) {
            scores[p] = Math.exp(scores[p] - max);
            sum += scores[p];
        }
        double[] out = new double[headDim];
        float[] value = new float[headDim];
        for (int p = 0; p < positions; p++) {
            java.util.Arrays.fill(value, 0f);
            seq.store().addValue(layer, seq.row(p), kvHead, 1f, value, 0);
            for (int j = 0; j < headDim; j++) out[j] += scores[p] / sum * value[j];
        }
        return out;
    }
}
