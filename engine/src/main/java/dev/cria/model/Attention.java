package dev.cria.model;

import dev.cria.kernels.AttentionKernels;
import dev.cria.kernels.ElementwiseKernels;
import dev.cria.kernels.SoftmaxExp;
import dev.cria.kv.KvSequence;
import dev.cria.kv.KvStore;
import dev.cria.tensor.PaddedArrays;

import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * Causal grouped-query attention of one token's kv group, one KV block (16 positions) at a time,
 * as FlashAttention's online softmax: per block, the keys of the group's kv head are scored against
 * all query heads of the group (heads g*group .. g*group+group-1, llama.cpp's GQA mapping h / group)
 * with each key decoded once ({@link KvStore#scoreKeys}); each head's block maximum updates its
 * running maximum (output and sum are rescaled once per block, and only when the maximum grows)
 * and the block's scores are exponentiated a vector at a time ({@link AttentionKernels#softmaxStep}); and the block's
 * values, decoded once, are added to every head's output with its weights ({@link KvStore#addValues}).
 *
 * <p>Scratch is a few KB per thread (one block of one head decoded, the group's scores of one
 * block, the group's output), whatever the context length, allocated on a thread's first call and
 * never again. Each array is padded ({@link PaddedArrays}), and the output is accumulated there and
 * copied to the caller's array once: the two threads work on neighbouring kv heads at once, and
 * neighbouring heads' outputs share a cache line in the caller's array. The vector arithmetic is
 * in the kernels package ({@link AttentionKernels}, the KV store's block kernels).
 */
final class Attention {
    private static final int L = AttentionKernels.LANES;

    private final int headDim;
    private final int group;
    private final float scale;
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();

    /** One thread's working memory, sized for one block size. */
    private static final class Scratch {
        final int blockSize;
        final float[] decoded;    // the store's scratch (from PAD on): one block of one head, decoded
        final float[] scores;     // [group][blockSize] from PAD on: scores, then weights
        final float[] sums;       // [group][L] from PAD on: running sums, lane-wise
        final float[] max;        // [group] from PAD on: running maxima
        final float[] out;        // [group][headDim] from PAD on: the heads' unnormalized outputs

        Scratch(int blockSize, int headDim, int group) {
            this.blockSize = blockSize;
            decoded = PaddedArrays.floats(blockSize * headDim);
            scores = PaddedArrays.floats(group * blockSize);
            sums = PaddedArrays.floats(group * L);
            max = PaddedArrays.floats(group);
            out = PaddedArrays.floats(group * headDim);
        }
    }

    Attention(LlamaConfig c) {
        this.headDim = c.headDim();
        this.group = c.headCount() / c.headCountKv();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * Writes into {@code out[off .. off + group * headDim)} the attention of the group's queries
     * {@code q[off ..]} over positions {@code 0..last} of {@code seq}, kv head {@code kvHead}.
     */
    void run(int layer, KvSequence seq, int kvHead, int last, float[] q, float[] out, int off) {
        KvStore store = seq.store();
        int bs = store.blockSize();
        if (!store.blockKernels()) {
            java.util.Arrays.fill(out, off, off + group * headDim, 0f);
            perPosition(layer, seq, kvHead, last, q, out, off);
            return;
        }
        Scratch s = scratch.get();
        if (s == null || s.blockSize != bs) {
            s = new Scratch(bs, headDim, group);
            scratch.set(s);
        }
        java.util.Arrays.fill(s.max, PAD, PAD + group, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(s.sums, PAD, PAD + group * L, 0f);
        java.util.Arrays.fill(s.out, PAD, PAD + group * headDim, 0f);
        for (int b = 0, blocks = last / bs + 1; b < blocks; b++) {
            int block = seq.block(b);
            int count = Math.min(bs, last + 1 - b * bs);
            for (int h = 0; h < group; h += KvStore.TILE_HEADS) {
                store.scoreKeys(layer, block, kvHead, q, off + h * headDim, Math.min(KvStore.TILE_HEADS, group - h), s.scores, PAD + h * bs, s.decoded);
            }
            for (int h = 0; h < group; h++) {
                for (int t = count; t < bs; t++) s.scores[PAD + h * bs + t] = Float.NEGATIVE_INFINITY;
                AttentionKernels.softmaxStep(s.scores, PAD + h * bs, bs, scale, s.max, PAD + h, s.sums, PAD + h * L, s.out, PAD + h * headDim, headDim);
            }
            for (int h = 0; h < group; h += KvStore.TILE_HEADS) {
                store.addValues(layer, block, kvHead, count, s.scores, PAD + h * bs, Math.min(KvStore.TILE_HEADS, group - h), s.out, PAD + h * headDim, s.decoded);
            }
        }
        for (int h = 0; h < group; h++) {
            float sum = 0;
            for (int lane = 0; lane < L; lane++) sum += s.sums[PAD + h * L + lane];
            float r = 1f / sum;
            for (int j = 0, a = PAD + h * headDim, o = off + h * headDim; j < headDim; j++) out[o + j] = s.out[a + j] * r;
        }
    }

    /**
     * The same attention one position at a time (online softmax, scalar exp), for shapes the block
     * kernels do not cover: a block size or head width that is not a multiple of the vector length.
     */
    private void perPosition(int layer, KvSequence seq, int kvHead, int last, float[] q, float[] out, int off) {
        KvStore store = seq.store();
        for (int h = 0; h < group; h++) {
            int o = off + h * headDim;
            float max = Float.NEGATIVE_INFINITY, sum = 0;
            for (int p = 0; p <= last; p++) {
                int row = seq.row(p);
                float sc = store.dotKey(layer, row, kvHead, q, o) * scale;
                if (sc > max) {
                    float r = SoftmaxExp.scalar(max - sc);
                    sum *= r;
                    ElementwiseKernels.scale(out, o, headDim, r);
                    max = sc;
                }
                float e = SoftmaxExp.scalar(sc - max);
                sum += e;
                store.addValue(layer, row, kvHead, e, out, o);
            }
            ElementwiseKernels.scale(out, o, headDim, 1f / sum);
        }
    }
}
