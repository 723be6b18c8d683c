package dev.cria.model;

import dev.cria.kernels.SoftmaxExp;
import dev.cria.kv.KvSequence;
import dev.cria.kv.KvStore;
import dev.cria.tensor.PaddedArrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * Causal grouped-query attention of one token's kv group, one KV block (16 positions) at a time,
 * as FlashAttention's online softmax: per block, the keys of the group's kv head are scored against
 * all query heads of the group (heads g*group .. g*group+group-1, llama.cpp's GQA mapping h / group)
 * with each key decoded once ({@link KvStore#scoreKeys}); each head's block maximum updates its
 * running maximum (output and sum are rescaled once per block, and only when the maximum grows);
 * the block's scores are exponentiated a vector at a time ({@link SoftmaxExp}); and the block's
 * values, decoded once, are added to every head's output with its weights ({@link KvStore#addValues}).
 *
 * <p>Scratch is a few KB per thread (one block of one head decoded, the group's scores of one
 * block, the group's output), whatever the context length, allocated on a thread's first call and
 * never again. Each array is padded ({@link PaddedArrays}), and the output is accumulated there and
 * copied to the caller's array once: the two threads work on neighbouring kv heads at once, and
 * neighbouring heads' outputs share a cache line in the caller's array. The
 * vector kernels are small methods with one call site each: C2 keeps vectors in registers only
 * when every Vector API call inlines (see docs/benchmarks.md).
 */
final class Attention {
    private static final VectorSpecies<Float> S = SoftmaxExp.SPECIES;
    private static final int L = S.length();

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
                softmaxStep(s, h, s.out, PAD + h * headDim);
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
     * Head {@code h}'s online-softmax step for one block: raises its running maximum to the block's
     * if a score exceeds it (a lane compare; the rare raise is {@link #raiseMax}), then turns its
     * scores into weights exp(score - max) and adds them to its lane-wise sums.
     */
    private void softmaxStep(Scratch s, int h, float[] out, int outOff) {
        int bs = s.blockSize;
        int o = PAD + h * bs;
        float old = s.max[PAD + h];
        boolean grew = false;
        for (int c = 0; c < bs; c += L) grew |= FloatVector.fromArray(S, s.scores, o + c).mul(scale).compare(VectorOperators.GT, old).anyTrue();
        if (grew) raiseMax(s, h, out, outOff);
        FloatVector max = FloatVector.broadcast(S, s.max[PAD + h]);
        FloatVector sum = FloatVector.fromArray(S, s.sums, PAD + h * L);
        for (int c = 0; c < bs; c += L) {
            FloatVector w = SoftmaxExp.vector(FloatVector.fromArray(S, s.scores, o + c).mul(scale).sub(max));
            w.intoArray(s.scores, o + c);
            sum = sum.add(w);
        }
        sum.intoArray(s.sums, PAD + h * L);
    }

    /** Sets head {@code h}'s running maximum to its block's largest scaled score, rescaling its output and sums by exp(old - new). */
    private void raiseMax(Scratch s, int h, float[] out, int outOff) {
        int bs = s.blockSize;
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < bs; c += L) m = Math.max(m, FloatVector.fromArray(S, s.scores, PAD + h * bs + c).mul(scale).reduceLanes(VectorOperators.MAX));
        float r = SoftmaxExp.scalar(s.max[PAD + h] - m);
        Ops.scale(out, outOff, headDim, r);
        FloatVector.fromArray(S, s.sums, PAD + h * L).mul(r).intoArray(s.sums, PAD + h * L);
        s.max[PAD + h] = m;
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
                    Ops.scale(out, o, headDim, r);
                    max = sc;
                }
                float e = SoftmaxExp.scalar(sc - max);
                sum += e;
                store.addValue(layer, row, kvHead, e, out, o);
            }
            Ops.scale(out, o, headDim, 1f / sum);
        }
    }
}
