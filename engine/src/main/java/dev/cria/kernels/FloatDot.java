package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float32 summation order every vector dot in Cria uses, so that a (row, token) dot gives
 * the same bits whether the row is decoded on the fly (matvec) or first decoded to floats and then
 * multiplied with many tokens (batched matmul).
 *
 * <p>The order: values are taken in groups of {@value #GROUP}; value {@code j} of a row goes to lane
 * {@code j % 8} of accumulator {@code (j / 8) % 4}, each accumulator lane receiving its values in
 * increasing {@code j} through a fused multiply-add with the exactly decoded weight. At the end
 * {@link #reduce} adds the accumulators as {@code (a0 + a1) + (a2 + a3)} and then the 8 lanes
 * pairwise in a fixed tree; a tail of fewer than {@value #GROUP} values (only possible for F32 / F16 /
 * BF16 rows) is a sequential {@link Math#fma} chain added last. Vector lanes are fixed at 8
 * ({@code SPECIES_256}, AVX2) on every machine so the bits do not depend on the CPU.
 */
public final class FloatDot {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    /** Values per accumulation group: 4 accumulators of 8 lanes. */
    public static final int GROUP = 32;

    private FloatDot() {
    }

    /** {@code Σ w[wOff + j] * x[xOff + j]} for {@code j < n} in the canonical order. */
    public static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int g = n - n % GROUP;
        for (int j = 0; j < g; j += GROUP) {
            a0 = FloatVector.fromArray(F, w, wOff + j).fma(FloatVector.fromArray(F, x, xOff + j), a0);
            a1 = FloatVector.fromArray(F, w, wOff + j + 8).fma(FloatVector.fromArray(F, x, xOff + j + 8), a1);
            a2 = FloatVector.fromArray(F, w, wOff + j + 16).fma(FloatVector.fromArray(F, x, xOff + j + 16), a2);
            a3 = FloatVector.fromArray(F, w, wOff + j + 24).fma(FloatVector.fromArray(F, x, xOff + j + 24), a3);
        }
        float tail = 0f;
        for (int j = g; j < n; j++) tail = Math.fma(w[wOff + j], x[xOff + j], tail);
        return reduce(a0, a1, a2, a3) + tail;
    }

    /**
     * Two dots of the same weights with two activation vectors at once (the weight loads are
     * shared); each result is bit-identical to {@link #dot}. Writes {@code out[o0]} and {@code out[o1]}.
     */
    public static void dot2(float[] w, int wOff, float[] x, int xOff0, int xOff1, int n, float[] out, int o0, int o1) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int g = n - n % GROUP;
        for (int j = 0; j < g; j += GROUP) {
            FloatVector w0 = FloatVector.fromArray(F, w, wOff + j);
            FloatVector w1 = FloatVector.fromArray(F, w, wOff + j + 8);
            FloatVector w2 = FloatVector.fromArray(F, w, wOff + j + 16);
            FloatVector w3 = FloatVector.fromArray(F, w, wOff + j + 24);
            a0 = w0.fma(FloatVector.fromArray(F, x, xOff0 + j), a0);
            b0 = w0.fma(FloatVector.fromArray(F, x, xOff1 + j), b0);
            a1 = w1.fma(FloatVector.fromArray(F, x, xOff0 + j + 8), a1);
            b1 = w1.fma(FloatVector.fromArray(F, x, xOff1 + j + 8), b1);
            a2 = w2.fma(FloatVector.fromArray(F, x, xOff0 + j + 16), a2);
            b2 = w2.fma(FloatVector.fromArray(F, x, xOff1 + j + 16), b2);
            a3 = w3.fma(FloatVector.fromArray(F, x, xOff0 + j + 24), a3);
            b3 = w3.fma(FloatVector.fromArray(F, x, xOff1 + j + 24), b3);
        }
        float ta = 0f, tb = 0f;
        for (int j = g; j < n; j++) {
            ta = Math.fma(w[wOff + j], x[xOff0 + j], ta);
            tb = Math.fma(w[wOff + j], x[xOff1 + j], tb);
        }
        out[o0] = reduce(a0, a1, a2, a3) + ta;
        out[o1] = reduce(b0, b1, b2, b3) + tb;
    }

    /**
     * The fixed final reduction. Explicit lanes, not {@code reduceLanes}: the Vector API leaves the
     * order of a float ADD reduction unspecified (it may differ between compiled and interpreted code).
     */
    static float reduce(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        FloatVector s = a0.add(a1).add(a2.add(a3));
        return ((s.lane(0) + s.lane(1)) + (s.lane(2) + s.lane(3)))
                + ((s.lane(4) + s.lane(5)) + (s.lane(6) + s.lane(7)));
    }
}
