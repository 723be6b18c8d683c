package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The softmax numerators {@code exp((l - max) * scale)} over a whole vocabulary, with the
 * Vector API: a scalar {@link Math#exp} costs ~6 ns, i.e. ~0.7 ms for 128k logits per token.
 *
 * <p>The exp is {@link SoftmaxExp}: IEEE-exact operations, so the interpreter, C1 and C2 give
 * identical bits (the same seed draws the same before and after the JIT warms up), and
 * {@link SoftmaxExp#scalar} is its exact scalar twin. Sums add the lanes one by one for the same reason
 * ({@code reduceLanes(ADD)} on floats may reorder). Results depend on the vector width, so draws
 * are reproducible for a seed on one kind of machine; {@link ScalarExpWeights} is the plain-loop
 * twin that adds in the same lane order for a given width and gives the same bits.
 *
 * <p>Sums are taken in float lanes within a block of {@link #BLOCK} values and in double across
 * blocks, so the total does not drift over 128k terms.
 */
public final class ExpWeights {
    private static final VectorSpecies<Float> SPECIES = SoftmaxExp.SPECIES;
    /** Values per block sum; a multiple of every species length. */
    public static final int BLOCK = 256;

    private ExpWeights() {
    }

    public static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    /** Largest of {@code a[0..n)} (max is exact, so its lane order does not matter). */
    public static float max(float[] a, int n) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (n >= SPECIES.length()) {
            FloatVector m = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
                m = m.max(FloatVector.fromArray(SPECIES, a, i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, a[i]);
        }
        return max;
    }

    /** {@code Σ exp(a[i] - max)} over {@code a[0..n)}, {@code a} unchanged. */
    public static double sum(float[] a, int n, float max) {
        return exp(a, n, max, 1f, false, null);
    }

    /**
     * Replaces {@code a[i]} by {@code exp((a[i] - max) * scale)} for {@code i < n}, stores the sum
     * of each block of {@link #BLOCK} in {@code blockSums[b]} and returns the total (the
     * blockSums added in order).
     */
    public static double fill(float[] a, int n, float max, float scale, double[] blockSums) {
        return exp(a, n, max, scale, true, blockSums);
    }

    private static double exp(float[] a, int n, float max, float scale, boolean store, double[] blockSums) {
        FloatVector vmax = FloatVector.broadcast(SPECIES, max);
        double total = 0;
        int fullBlocks = n / BLOCK;
        for (int b = 0; b < fullBlocks; b++) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int i = b * BLOCK, end = i + BLOCK; i < end; i += SPECIES.length()) {
                FloatVector w = SoftmaxExp.vector(FloatVector.fromArray(SPECIES, a, i).sub(vmax).mul(scale));
                if (store) {
                    w.intoArray(a, i);
                }
                acc = acc.add(w);
            }
            float blockSum = 0;
            for (int lane = 0; lane < SPECIES.length(); lane++) {
                blockSum += acc.lane(lane);
            }
            if (blockSums != null) {
                blockSums[b] = blockSum;
            }
            total += blockSum;
        }
        if (fullBlocks * BLOCK < n) {
            float tail = 0;
            for (int i = fullBlocks * BLOCK; i < n; i++) {
                float w = SoftmaxExp.scalar((a[i] - max) * scale);
                if (store) {
                    a[i] = w;
                }
                tail += w;
            }
            if (blockSums != null) {
                blockSums[fullBlocks] = tail;
            }
            total += tail;
        }
        return total;
    }
}
