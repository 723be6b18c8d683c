package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp(x) for softmax numerators ({@code x <= 0}), a Vector API version and its exact scalar twin,
 * shared by the sampler (a vocabulary of logits) and attention (scores): a scalar {@link Math#exp}
 * costs ~6 ns, which at 128k logits or 32k positions per head dominates everything else.
 *
 * <p>Why not {@code lanewise(EXP)}: compiled by C2 it calls an SVML stub, interpreted it falls
 * back to {@code Math.exp} per lane; the two differ in the last bits, so the same seed could draw
 * differently before and after the JIT warms up. This exp is built from IEEE-exact operations
 * (fma, add, multiply, integer bit work), so the interpreter, C1 and C2 give identical bits, and
 * {@link #scalar} gives the same bits as each lane of {@link #vector}.
 */
public final class SoftmaxExp {
    /** The species {@link #vector} works on. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);

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

    private SoftmaxExp() {
    }

    /** exp of each lane, for lanes {@code <= 0} (negative infinity gives 0); the vector twin of {@link #scalar}. */
    public static FloatVector vector(FloatVector x) {
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

    /** exp(x) for {@code x <= 0} (negative infinity gives 0), operation for operation the same as {@link #vector}. */
    public static float scalar(float x) {
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
