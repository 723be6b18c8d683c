package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * The one float32 summation order every vector dot in Cria uses, so that a (row, token) dot gives
 * the same bits whether the row is decoded on the fly (matvec) or first decoded to floats and then
 * multiplied with many tokens (batched matmul).
 *
 * <p>The order: values are taken in groups of {@value #GROUP}; value {@code j} of a row goes to lane
 * {@code j % 16} of accumulator {@code (j / 16) % 2}, each accumulator lane receiving its values in
 * increasing {@code j} through a fused multiply-add with the exactly decoded weight. At the end
 * {@link #reduce} adds the two accumulators lane by lane ({@code s = a + b}) and then the 16 lanes in
 * a fixed tree: {@code t_i = s_i + s_(i+8)}, {@code u_i = t_i + t_(i+4)}, {@code v_i = u_i + u_(i+2)},
 * result {@code v_0 + v_1}. A tail of fewer than {@value #GROUP} values (only possible for F32 / F16 /
 * BF16 rows) is a sequential {@link Math#fma} chain added last.
 *
 * <p>Vectors are 16 floats ({@code SPECIES_512}, AVX-512). The order is defined on lanes, not on
 * the hardware, so an 8-lane implementation could reproduce the same bits with four accumulators;
 * on a given machine every path here produces identical bits.
 */
public final class FloatDot {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    /** Values per accumulation group: 2 accumulators of 16 lanes. */
    public static final int GROUP = 32;

    // The reduction's butterfly: lane i's partner at each level, and (for reducing several sums at
    // once, SplitTile.reduce4x4 and RowPrep.reduceSums) the lanes whose bit of that level is set.
    static final VectorShuffle<Float> XOR8 = VectorShuffle.fromOp(F, i -> i ^ 8);
    static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(F, i -> i ^ 4);
    static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(F, i -> i ^ 2);
    static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(F, i -> i ^ 1);
    static final VectorMask<Float> BIT8 = VectorMask.fromLong(F, 0xFF00L);
    static final VectorMask<Float> BIT4 = VectorMask.fromLong(F, 0xF0F0L);
    static final VectorMask<Float> BIT2 = VectorMask.fromLong(F, 0xCCCCL);
    static final VectorMask<Float> BIT1 = VectorMask.fromLong(F, 0xAAAAL);

    private FloatDot() {
    }

    /** {@code Σ w[wOff + j] * x[xOff + j]} for {@code j < n} in the canonical order. */
    public static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a = FloatVector.zero(F), b = a;
        int g = n - n % GROUP;
        for (int j = 0; j < g; j += GROUP) {
            a = FloatVector.fromArray(F, w, wOff + j).fma(FloatVector.fromArray(F, x, xOff + j), a);
            b = FloatVector.fromArray(F, w, wOff + j + 16).fma(FloatVector.fromArray(F, x, xOff + j + 16), b);
        }
        float tail = 0f;
        for (int j = g; j < n; j++) tail = Math.fma(w[wOff + j], x[xOff + j], tail);
        return reduce(a, b) + tail;
    }

    /**
     * Four rows times two tokens at once, each (row, token) bit-identical to {@link #dot}: row
     * {@code k} is {@code w[wOff + k * wStride ..]}, token {@code t} is {@code x[xOff + t * xStride ..]},
     * and the result goes to {@code out[outOff + k + t * outStride]}. Eight dots share every load
     * (6 loads per 8 fused multiply-adds), so the loop runs near the FMA units' rate. {@code sums}
     * is scratch: 128 floats from {@code PAD} on (a {@link dev.cria.tensor.PaddedArrays} array).
     */
    public static void dot4x2(float[] w, int wOff, int wStride, float[] x, int xOff, int xStride, int n,
                              float[] out, int outOff, int outStride, float[] sums) {
        int w0 = wOff, w1 = wOff + wStride, w2 = wOff + 2 * wStride, w3 = wOff + 3 * wStride;
        int x0 = xOff, x1 = xOff + xStride;
        FloatVector a00 = FloatVector.zero(F), b00 = a00, a01 = a00, b01 = a00;
        FloatVector a10 = a00, b10 = a00, a11 = a00, b11 = a00;
        FloatVector a20 = a00, b20 = a00, a21 = a00, b21 = a00;
        FloatVector a30 = a00, b30 = a00, a31 = a00, b31 = a00;
        int g = n - n % GROUP;
        for (int j = 0; j < g; j += GROUP) {
            FloatVector p0 = FloatVector.fromArray(F, x, x0 + j), p1 = FloatVector.fromArray(F, x, x1 + j);
            FloatVector v = FloatVector.fromArray(F, w, w0 + j);
            a00 = v.fma(p0, a00);
            a01 = v.fma(p1, a01);
            v = FloatVector.fromArray(F, w, w1 + j);
            a10 = v.fma(p0, a10);
            a11 = v.fma(p1, a11);
            v = FloatVector.fromArray(F, w, w2 + j);
            a20 = v.fma(p0, a20);
            a21 = v.fma(p1, a21);
            v = FloatVector.fromArray(F, w, w3 + j);
            a30 = v.fma(p0, a30);
            a31 = v.fma(p1, a31);
            p0 = FloatVector.fromArray(F, x, x0 + j + 16);
            p1 = FloatVector.fromArray(F, x, x1 + j + 16);
            v = FloatVector.fromArray(F, w, w0 + j + 16);
            b00 = v.fma(p0, b00);
            b01 = v.fma(p1, b01);
            v = FloatVector.fromArray(F, w, w1 + j + 16);
            b10 = v.fma(p0, b10);
            b11 = v.fma(p1, b11);
            v = FloatVector.fromArray(F, w, w2 + j + 16);
            b20 = v.fma(p0, b20);
            b21 = v.fma(p1, b21);
            v = FloatVector.fromArray(F, w, w3 + j + 16);
            b30 = v.fma(p0, b30);
            b31 = v.fma(p1, b31);
        }
        // Reduced through memory: eight inlined vector reductions would push the method past C2's
        // inlining node budget and box the accumulators. Same additions, same order, same bits.
        a00.add(b00).intoArray(sums, PAD);
        a10.add(b10).intoArray(sums, PAD + 16);
        a20.add(b20).intoArray(sums, PAD + 32);
        a30.add(b30).intoArray(sums, PAD + 48);
        a01.add(b01).intoArray(sums, PAD + 64);
        a11.add(b11).intoArray(sums, PAD + 80);
        a21.add(b21).intoArray(sums, PAD + 96);
        a31.add(b31).intoArray(sums, PAD + 112);
        int o1 = outOff + outStride;
        for (int k = 0; k < 4; k++) {
            out[outOff + k] = reduce(sums, PAD + 16 * k) + tail(w, wOff + k * wStride, x, x0, g, n);
            out[o1 + k] = reduce(sums, PAD + 64 + 16 * k) + tail(w, wOff + k * wStride, x, x1, g, n);
        }
    }

    /** {@link #reduce(FloatVector, FloatVector)}'s tree over the 16 lanes of {@code a + b} stored at {@code s[off..]}. */
    static float reduce(float[] s, int off) {
        return tree(s[off] + s[off + 8], s[off + 1] + s[off + 9], s[off + 2] + s[off + 10], s[off + 3] + s[off + 11],
                s[off + 4] + s[off + 12], s[off + 5] + s[off + 13], s[off + 6] + s[off + 14], s[off + 7] + s[off + 15]);
    }

    /** The last three levels of the reduction, over {@code t_i = s_i + s_(i+8)}: {@code ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7))}. */
    static float tree(float t0, float t1, float t2, float t3, float t4, float t5, float t6, float t7) {
        return ((t0 + t4) + (t2 + t6)) + ((t1 + t5) + (t3 + t7));
    }

    /** The sequential fma chain over values {@code [g, n)} that {@link #dot} adds last. */
    private static float tail(float[] w, int wOff, float[] x, int xOff, int g, int n) {
        float tail = 0f;
        for (int j = g; j < n; j++) tail = Math.fma(w[wOff + j], x[xOff + j], tail);
        return tail;
    }

    /**
     * The fixed final reduction. Explicit shuffles, not {@code reduceLanes}: the Vector API leaves
     * the order of a float ADD reduction unspecified. Float addition is commutative bit for bit, so
     * after each butterfly step both partner lanes hold the same sum.
     */
    static float reduce(FloatVector a, FloatVector b) {
        FloatVector s = a.add(b);
        s = s.add(s.rearrange(XOR8));
        s = s.add(s.rearrange(XOR4));
        s = s.add(s.rearrange(XOR2));
        s = s.add(s.rearrange(XOR1));
        return s.lane(0);
    }
}
