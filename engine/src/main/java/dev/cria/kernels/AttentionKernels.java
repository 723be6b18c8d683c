package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The online-softmax step of block attention (FlashAttention's running maximum and sum), for one
 * query head and one KV block of scores. The running sum is kept lane-wise ({@link #LANES} floats
 * per head) and added up once at the end by the caller, so the order of the additions depends on
 * the vector width; {@link ScalarAttentionKernels} is the twin that adds in the same lane order
 * for a given width and gives the same bits.
 *
 * <p>The step is one small method with one call site: C2 keeps vectors in registers only when
 * every Vector API call inlines (see docs/benchmarks.md).
 */
public final class AttentionKernels {
    private static final VectorSpecies<Float> S = SoftmaxExp.SPECIES;
    /** Floats per running sum of one head; block sizes must be multiples of it. */
    public static final int LANES = S.length();
    private static final int L = LANES;

    private AttentionKernels() {
    }

    /**
     * One head's online-softmax step for one block of {@code blockSize} scores at
     * {@code scores[scoresOff ..]}: raises the running maximum {@code max[maxAt]} to the block's
     * largest {@code score * scale} if one exceeds it (a lane compare; the rare raise also rescales
     * the head's unnormalized output {@code out[outOff .. outOff + headDim)} and its lane-wise sums
     * by exp(old - new)), then replaces each score by its weight exp(score * scale - max) and adds
     * the weights to the sums {@code sums[sumsAt .. sumsAt + LANES)}, weight t into lane t % LANES.
     * {@code blockSize} is a multiple of {@link #LANES}; masked positions hold negative infinity.
     */
    public static void softmaxStep(float[] scores, int scoresOff, int blockSize, float scale, float[] max, int maxAt,
                                   float[] sums, int sumsAt, float[] out, int outOff, int headDim) {
        float old = max[maxAt];
        boolean grew = false;
        for (int c = 0; c < blockSize; c += L) grew |= FloatVector.fromArray(S, scores, scoresOff + c).mul(scale).compare(VectorOperators.GT, old).anyTrue();
        if (grew) raiseMax(scores, scoresOff, blockSize, scale, max, maxAt, sums, sumsAt, out, outOff, headDim);
        FloatVector m = FloatVector.broadcast(S, max[maxAt]);
        FloatVector sum = FloatVector.fromArray(S, sums, sumsAt);
        for (int c = 0; c < blockSize; c += L) {
            FloatVector w = SoftmaxExp.vector(FloatVector.fromArray(S, scores, scoresOff + c).mul(scale).sub(m));
            w.intoArray(scores, scoresOff + c);
            sum = sum.add(w);
        }
        sum.intoArray(sums, sumsAt);
    }

    /** Sets the running maximum to the block's largest scaled score, rescaling the output and the sums by exp(old - new). */
    private static void raiseMax(float[] scores, int scoresOff, int blockSize, float scale, float[] max, int maxAt,
                                 float[] sums, int sumsAt, float[] out, int outOff, int headDim) {
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < blockSize; c += L) m = Math.max(m, FloatVector.fromArray(S, scores, scoresOff + c).mul(scale).reduceLanes(VectorOperators.MAX));
        float r = SoftmaxExp.scalar(max[maxAt] - m);
        ElementwiseKernels.scale(out, outOff, headDim, r);
        FloatVector.fromArray(S, sums, sumsAt).mul(r).intoArray(sums, sumsAt);
        max[maxAt] = m;
    }
}
