package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.cria.kernels.FloatDot.GROUP;
import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * {@link FloatDot}'s summation order in 256-bit vectors (AVX2), for CPUs without AVX-512: the same
 * bits as the 16-lane dot on every input.
 *
 * <p>FloatDot's accumulator {@code a} (16 lanes) is carried as two 8-lane vectors, lanes 0-7 and
 * 8-15, and so is {@code b}: value {@code j} of a 32-value group goes to part {@code j / 8} (parts 0,
 * 1 are {@code a}'s halves, parts 2, 3 are {@code b}'s). Each lane still receives its values in
 * increasing {@code j} through one fused multiply-add. The reduction is FloatDot's tree: {@code s =
 * a + b} is {@code (part0 + part2, part1 + part3)}, and {@code t_i = s_i + s_(i+8)} adds those two
 * 8-lane halves, after which {@link FloatDot#reduce(float[], int)}'s scalar tree finishes.
 */
final class FloatDot256 {
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final int L = 8;

    private FloatDot256() {
    }

    /** {@code Σ w[wOff + j] * x[xOff + j]} for {@code j < n}: bit-identical to {@link FloatDot#dot}. */
    static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F8), a1 = a0, b0 = a0, b1 = a0;
        int g = n - n % GROUP;
        for (int j = 0; j < g; j += GROUP) {
            a0 = FloatVector.fromArray(F8, w, wOff + j).fma(FloatVector.fromArray(F8, x, xOff + j), a0);
            a1 = FloatVector.fromArray(F8, w, wOff + j + 8).fma(FloatVector.fromArray(F8, x, xOff + j + 8), a1);
            b0 = FloatVector.fromArray(F8, w, wOff + j + 16).fma(FloatVector.fromArray(F8, x, xOff + j + 16), b0);
            b1 = FloatVector.fromArray(F8, w, wOff + j + 24).fma(FloatVector.fromArray(F8, x, xOff + j + 24), b1);
        }
        return reduce(a0, a1, b0, b1) + tail(w, wOff, x, xOff, g, n);
    }

    /** FloatDot's reduction of {@code a = (a0, a1)}, {@code b = (b0, b1)}: {@code t = (a0 + b0) + (a1 + b1)}, then its fixed tree. */
    static float reduce(FloatVector a0, FloatVector a1, FloatVector b0, FloatVector b1) {
        FloatVector t = a0.add(b0).add(a1.add(b1));
        return FloatDot.tree(t.lane(0), t.lane(1), t.lane(2), t.lane(3), t.lane(4), t.lane(5), t.lane(6), t.lane(7));
    }

    /** Floats of {@code sums} (from {@code PAD} on) that {@link #dot4x2} uses. */
    static final int SUMS = 4 * 2 * 4 * L;

    /**
     * Four rows times two tokens, each (row, token) bit-identical to {@link #dot}: row {@code k} is
     * {@code w[wOff + k * wStride ..]}, token {@code t} is {@code x[xOff + t * xStride ..]}, the result
     * goes to {@code out[outOff + k + t * outStride]}. One pass per part (8 accumulators, 6 loads per
     * 8 fused multiply-adds: sixteen 256-bit registers hold no more), each part's sums kept in
     * {@code sums} ({@link #SUMS} floats from {@code PAD} on, a padded array) for the reduction.
     */
    static void dot4x2(float[] w, int wOff, int wStride, float[] x, int xOff, int xStride, int n,
                       float[] out, int outOff, int outStride, float[] sums) {
        int g = n - n % GROUP;
        int w1 = wOff + wStride, w2 = wOff + 2 * wStride, w3 = wOff + 3 * wStride, x1 = xOff + xStride;
        for (int p = 0; p < 4; p++) {
            FloatVector c00 = FloatVector.zero(F8), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int j = L * p; j < g; j += GROUP) {
                FloatVector y = FloatVector.fromArray(F8, x, xOff + j), z = FloatVector.fromArray(F8, x, x1 + j);
                FloatVector v = FloatVector.fromArray(F8, w, wOff + j);
                c00 = v.fma(y, c00);
                c01 = v.fma(z, c01);
                v = FloatVector.fromArray(F8, w, w1 + j);
                c10 = v.fma(y, c10);
                c11 = v.fma(z, c11);
                v = FloatVector.fromArray(F8, w, w2 + j);
                c20 = v.fma(y, c20);
                c21 = v.fma(z, c21);
                v = FloatVector.fromArray(F8, w, w3 + j);
                c30 = v.fma(y, c30);
                c31 = v.fma(z, c31);
            }
            // (row k, token t, part p) at PAD + 8 (4 (2k + t) + p)
            c00.intoArray(sums, PAD + L * p);
            c01.intoArray(sums, PAD + L * (4 + p));
            c10.intoArray(sums, PAD + L * (8 + p));
            c11.intoArray(sums, PAD + L * (12 + p));
            c20.intoArray(sums, PAD + L * (16 + p));
            c21.intoArray(sums, PAD + L * (20 + p));
            c30.intoArray(sums, PAD + L * (24 + p));
            c31.intoArray(sums, PAD + L * (28 + p));
        }
        for (int k = 0; k < 4; k++) {
            int wk = wOff + k * wStride;
            out[outOff + k] = reduceParts(sums, PAD + L * 4 * (2 * k)) + tail(w, wk, x, xOff, g, n);
            out[outOff + outStride + k] = reduceParts(sums, PAD + L * 4 * (2 * k + 1)) + tail(w, wk, x, x1, g, n);
        }
    }

    /** FloatDot's reduction over the four 8-lane parts stored at {@code p[off ..]}: {@code t_i = (p0 + p2)_i + (p1 + p3)_i}, then {@link FloatDot#tree}. */
    private static float reduceParts(float[] p, int off) {
        return FloatDot.tree(part(p, off, 0), part(p, off, 1), part(p, off, 2), part(p, off, 3),
                part(p, off, 4), part(p, off, 5), part(p, off, 6), part(p, off, 7));
    }

    /** Lane {@code i} of {@code (p0 + p2) + (p1 + p3)}: FloatDot's {@code s = a + b} halves, added. */
    private static float part(float[] p, int off, int i) {
        return (p[off + i] + p[off + 16 + i]) + (p[off + 8 + i] + p[off + 24 + i]);
    }

    /** The sequential fma chain over values {@code [g, n)} that FloatDot adds last. */
    private static float tail(float[] w, int wOff, float[] x, int xOff, int g, int n) {
        float tail = 0f;
        for (int j = g; j < n; j++) tail = Math.fma(w[wOff + j], x[xOff + j], tail);
        return tail;
    }
}
