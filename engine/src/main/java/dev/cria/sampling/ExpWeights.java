package dev.cria.sampling;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The softmax numerators {@code exp((l - max) * scale)} over a whole vocabulary, with the
 * Vector API: a scalar {@link Math#exp} costs ~6 ns, i.e. ~0.7 ms for 128k logits per token.
 *
 * <p>Why not {@code lanewise(EXP)}: compiled by C2 it calls an SVML stub, interpreted it falls
 * back to {@code Math.exp} per lane; the two differ in the last bits, so the same seed could draw
 * differently before and after the JIT warms up. This exp is built from IEEE-exact operations
 * (fma, add, multiply, integer bit work), so the interpreter, C1 and C2 give identical bits, and
 * {@link #expScalar} is its exact scalar twin. Sums add the lanes one by one for the same reason
 * ({@code reduceLanes(ADD)} on floats may reorder). Results depend on the vector width, so draws
 * are reproducible for a seed on one kind of machine.
 *
 * <p>Sums are taken in float lanes within a block of {@link #BLOCK} values and in double across
 * blocks, so the total does not drift over 128k terms.
 */
final class ExpWeights {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);
    /** Values per block sum; a multiple of every species length. */
    static final int BLOCK = 256;

    // Cephes expf: exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 split in two
    // parts for precision, exp(r) by a degree-7 polynomial on |r| <= ln2 / 2 (~1 ulp).
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;
    /** Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer (round half even). */
    private static final float ROUNDER = 12582912f;
    /** Below this exp(x) is subnormal; such weights are flushed to 0 (a 1e-38 share of mass). */
    private static final float MIN_ARG = -87.3f;

    private ExpWeights() {
    }

    static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }

    /** Largest of {@code a[0..n)} (max is exact, so its lane order does not matter). */
    static float max(float[] a, int n) {
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
    static double sum(float[] a, int n, float max) {
        return exp(a, n, max, 1f, false, null);
    }

    /**
     * Replaces {@code a[i]} by {@code exp((a[i] - max) * scale)} for {@code i < n}, stores the sum
     * of each block of {@link #BLOCK} in {@code blockSums[b]} and returns the total (the
     * blockSums added in order).
     */
    static double fill(float[] a, int n, float max, float scale, double[] blockSums) {
        return exp(a, n, max, scale, true, blockSums);
    }

    private static double exp(float[] a, int n, float max, float scale, boolean store, double[] blockSums) {
        FloatVector vmax = FloatVector.broadcast(SPECIES, max);
        double total = 0;
        int fullBlocks = n / BLOCK;
        for (int b = 0; b < fullBlocks; b++) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int i = b * BLOCK, end = i + BLOCK; i < end; i += SPECIES.length()) {
                FloatVector w = expVector(FloatVector.fromArray(SPECIES, a, i).sub(vmax).mul(scale));
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
                float w = expScalar((a[i] - max) * scale);
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

    /** exp of each lane, for lanes {@code <= 0} (softmax numerators); the vector twin of {@link #expScalar}. */
    static FloatVector expVector(FloatVector x) {
        VectorMask<Float> underflow = x.compare(VectorOperators.LT, MIN_ARG);
        FloatVector t = x.max(MIN_ARG).fma(LOG2E, ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector xc = x.max(MIN_ARG);
        FloatVector r = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(SPECIES, P2));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, P5));
        FloatVector y = p.mul(r).fma(r, r).add(1f);
        IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, INT_SPECIES, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = bits.reinterpretAsFloats();
        return y.mul(scale).blend(0f, underflow);
    }

    /** exp(x) for {@code x <= 0}, operation for operation the same as {@link #expVector}. */
    static float expScalar(float x) {
        if (x < MIN_ARG) {
            return 0f;
        }
        float n = Math.fma(x, LOG2E, ROUNDER) - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p * r, r, r) + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
