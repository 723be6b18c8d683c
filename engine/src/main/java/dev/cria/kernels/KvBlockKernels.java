package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops of block attention (the KV store's {@code scoreKeys} and {@code addValues}) for
 * {@link #TILE_HEADS} query heads at once, over float32 rows (f32 and decoded f16 stores)
 * or int8 rows (q8_0, decoded in registers). Each key or value vector is loaded once and used by
 * all four heads; even and odd steps go to separate accumulators so that eight FMA chains run in
 * parallel. Lanes run along positions for keys (stored transposed: no horizontal sums) and along
 * the head dimension for values.
 *
 * <p>{@link ScalarKvBlockKernels} is the plain-loop twin: every lane is one position (keys) or one
 * dimension (values) with its own chain of FMAs, so the twin, which runs the same chains in the
 * same order, gives the same bits.
 *
 * <p>Each method is small and has one call site: C2 keeps vectors in registers only when every
 * Vector API call inlines, and a method holding several copies of a kernel boxes them.
 */
public final class KvBlockKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector: block sizes and head widths must be multiples of it. */
    public static final int LANES = F.length();
    private static final int L = LANES;
    /** Query heads each kernel takes at once. */
    public static final int TILE_HEADS = 4;
    /** L int8 lanes, widened to L floats. */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(L * 8));

    private KvBlockKernels() {
    }

    private static FloatVector i8(byte[] a, int off) {
        return (FloatVector) ByteVector.fromArray(B, a, off).convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector splat(float v) {
        return FloatVector.broadcast(F, v);
    }

    /**
     * {@code dst[d_i + t] = Σ_j q[q_i + j] * keys[k + j * bs + t]} for {@code t < bs}, four heads
     * ({@code q_i = q + i * hd} and {@code d_i = d + i * bs} for i below {@code heads}, the last
     * one repeated after that: same bits into the same slot).
     */
    public static void scoreFloat(float[] keys, int k, int bs, int hd, float[] q, int q0, int heads, float[] dst, int d) {
        int q1 = q0 + Math.min(1, heads - 1) * hd, q2 = q0 + Math.min(2, heads - 1) * hd, q3 = q0 + Math.min(3, heads - 1) * hd;
        int d1 = d + Math.min(1, heads - 1) * bs, d2 = d + Math.min(2, heads - 1) * bs, d3 = d + Math.min(3, heads - 1) * bs;
        for (int c = 0; c < bs; c += L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int j = 0, o = k + c; j < hd; j += 2, o += 2 * bs) {
                FloatVector x = FloatVector.fromArray(F, keys, o);
                a0 = x.fma(splat(q[q0 + j]), a0);
                a1 = x.fma(splat(q[q1 + j]), a1);
                a2 = x.fma(splat(q[q2 + j]), a2);
                a3 = x.fma(splat(q[q3 + j]), a3);
                FloatVector y = FloatVector.fromArray(F, keys, o + bs);
                b0 = y.fma(splat(q[q0 + j + 1]), b0);
                b1 = y.fma(splat(q[q1 + j + 1]), b1);
                b2 = y.fma(splat(q[q2 + j + 1]), b2);
                b3 = y.fma(splat(q[q3 + j + 1]), b3);
            }
            a0.add(b0).intoArray(dst, d + c);
            a1.add(b1).intoArray(dst, d1 + c);
            a2.add(b2).intoArray(dst, d2 + c);
            a3.add(b3).intoArray(dst, d3 + c);
        }
    }

    /**
     * As {@link #scoreFloat} over int8 keys with one scale per (position, quantization block of
     * {@code qb} dimensions): scales at {@code s + block * bs + t}; each block's sums are scaled once.
     */
    public static void scoreQ8(byte[] keys, int k, float[] scales, int s, int bs, int hd, int qb, float[] q, int q0, int heads, float[] dst, int d) {
        int q1 = q0 + Math.min(1, heads - 1) * hd, q2 = q0 + Math.min(2, heads - 1) * hd, q3 = q0 + Math.min(3, heads - 1) * hd;
        int d1 = d + Math.min(1, heads - 1) * bs, d2 = d + Math.min(2, heads - 1) * bs, d3 = d + Math.min(3, heads - 1) * bs;
        for (int c = 0; c < bs; c += L) {
            FloatVector t0 = FloatVector.zero(F), t1 = t0, t2 = t0, t3 = t0;
            for (int j0 = 0; j0 < hd; j0 += qb) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int j = j0, o = k + j0 * bs + c; j < j0 + qb; j += 2, o += 2 * bs) {
                    FloatVector x = i8(keys, o);
                    a0 = x.fma(splat(q[q0 + j]), a0);
                    a1 = x.fma(splat(q[q1 + j]), a1);
                    a2 = x.fma(splat(q[q2 + j]), a2);
                    a3 = x.fma(splat(q[q3 + j]), a3);
                    FloatVector y = i8(keys, o + bs);
                    b0 = y.fma(splat(q[q0 + j + 1]), b0);
                    b1 = y.fma(splat(q[q1 + j + 1]), b1);
                    b2 = y.fma(splat(q[q2 + j + 1]), b2);
                    b3 = y.fma(splat(q[q3 + j + 1]), b3);
                }
                FloatVector scale = FloatVector.fromArray(F, scales, s + j0 / qb * bs + c);
                t0 = a0.add(b0).fma(scale, t0);
                t1 = a1.add(b1).fma(scale, t1);
                t2 = a2.add(b2).fma(scale, t2);
                t3 = a3.add(b3).fma(scale, t3);
            }
            t0.intoArray(dst, d + c);
            t1.intoArray(dst, d1 + c);
            t2.intoArray(dst, d2 + c);
            t3.intoArray(dst, d3 + c);
        }
    }

    /**
     * {@code out[o_i + j] += Σ_{t < count} w[w_i + t] * values[v + t * hd + j]} for four heads
     * ({@code w_i = w + i * bs}, {@code o_i = o + i * hd}, repeated past {@code heads} as above).
     * Two vectors of a row per pass (eight accumulators, each weight broadcast once for both); an
     * odd last vector is paired with itself (same bits into the same slot).
     */
    public static void addFloat(float[] values, int v, int count, int hd, float[] w, int w0, int bs, int heads, float[] out, int o) {
        int w1 = w0 + Math.min(1, heads - 1) * bs, w2 = w0 + Math.min(2, heads - 1) * bs, w3 = w0 + Math.min(3, heads - 1) * bs;
        int o1 = o + Math.min(1, heads - 1) * hd, o2 = o + Math.min(2, heads - 1) * hd, o3 = o + Math.min(3, heads - 1) * hd;
        for (int c = 0; c < hd; c += 2 * L) {
            int e = Math.min(c + L, hd - L);
            FloatVector a0 = FloatVector.fromArray(F, out, o + c), a1 = FloatVector.fromArray(F, out, o1 + c);
            FloatVector a2 = FloatVector.fromArray(F, out, o2 + c), a3 = FloatVector.fromArray(F, out, o3 + c);
            FloatVector b0 = FloatVector.fromArray(F, out, o + e), b1 = FloatVector.fromArray(F, out, o1 + e);
            FloatVector b2 = FloatVector.fromArray(F, out, o2 + e), b3 = FloatVector.fromArray(F, out, o3 + e);
            for (int t = 0, x = v; t < count; t++, x += hd) {
                FloatVector y = FloatVector.fromArray(F, values, x + c), z = FloatVector.fromArray(F, values, x + e);
                FloatVector s0 = splat(w[w0 + t]), s1 = splat(w[w1 + t]), s2 = splat(w[w2 + t]), s3 = splat(w[w3 + t]);
                a0 = y.fma(s0, a0);
                a1 = y.fma(s1, a1);
                a2 = y.fma(s2, a2);
                a3 = y.fma(s3, a3);
                b0 = z.fma(s0, b0);
                b1 = z.fma(s1, b1);
                b2 = z.fma(s2, b2);
                b3 = z.fma(s3, b3);
            }
            a0.intoArray(out, o + c);
            a1.intoArray(out, o1 + c);
            a2.intoArray(out, o2 + c);
            a3.intoArray(out, o3 + c);
            b0.intoArray(out, o + e);
            b1.intoArray(out, o1 + e);
            b2.intoArray(out, o2 + e);
            b3.intoArray(out, o3 + e);
        }
    }

    /**
     * The weights of {@link #addQ8}: each head's weights times the values' scales, one vector per
     * quantization block and head, {@code ws[wsOff + (sb * 4 + i) * bs + t] = w[w0 + min(i, heads - 1) * bs + t] * scales[s + sb * bs + t]}
     * for {@code sb < scalesPerHead}, {@code i < 4}, {@code t < bs}.
     */
    public static void scaleWeightsQ8(float[] w, int w0, int heads, float[] scales, int s, int scalesPerHead, int bs, float[] ws, int wsOff) {
        for (int sb = 0; sb < scalesPerHead; sb++) {
            for (int i = 0; i < TILE_HEADS; i++) {
                int src = w0 + Math.min(i, heads - 1) * bs, dst = wsOff + (sb * TILE_HEADS + i) * bs;
                for (int c = 0; c < bs; c += L) {
                    FloatVector.fromArray(F, w, src + c).mul(FloatVector.fromArray(F, scales, s + sb * bs + c)).intoArray(ws, dst + c);
                }
            }
        }
    }

    /**
     * As {@link #addFloat} over int8 values, with weights already multiplied by each position's
     * scale: head i's weights for quantization block {@code j / qb} at {@code ws[wsOff + (j / qb * 4 + i) * bs + t]},
     * for all four i: the slots past {@code heads} hold the last head's weights ({@link #scaleWeightsQ8} writes them so).
     */
    public static void addQ8(byte[] values, int v, int count, int hd, int qb, float[] ws, int wsOff, int bs, int heads, float[] out, int o) {
        int o1 = o + Math.min(1, heads - 1) * hd, o2 = o + Math.min(2, heads - 1) * hd, o3 = o + Math.min(3, heads - 1) * hd;
        for (int c = 0; c < hd; c += 2 * L) {
            int e = Math.min(c + L, hd - L);
            int w0 = wsOff + c / qb * 4 * bs, w1 = w0 + bs, w2 = w1 + bs, w3 = w2 + bs;
            int u0 = wsOff + e / qb * 4 * bs, u1 = u0 + bs, u2 = u1 + bs, u3 = u2 + bs;
            FloatVector a0 = FloatVector.fromArray(F, out, o + c), a1 = FloatVector.fromArray(F, out, o1 + c);
            FloatVector a2 = FloatVector.fromArray(F, out, o2 + c), a3 = FloatVector.fromArray(F, out, o3 + c);
            FloatVector b0 = FloatVector.fromArray(F, out, o + e), b1 = FloatVector.fromArray(F, out, o1 + e);
            FloatVector b2 = FloatVector.fromArray(F, out, o2 + e), b3 = FloatVector.fromArray(F, out, o3 + e);
            for (int t = 0, x = v; t < count; t++, x += hd) {
                FloatVector y = i8(values, x + c), z = i8(values, x + e);
                a0 = y.fma(splat(ws[w0 + t]), a0);
                a1 = y.fma(splat(ws[w1 + t]), a1);
                a2 = y.fma(splat(ws[w2 + t]), a2);
                a3 = y.fma(splat(ws[w3 + t]), a3);
                b0 = z.fma(splat(ws[u0 + t]), b0);
                b1 = z.fma(splat(ws[u1 + t]), b1);
                b2 = z.fma(splat(ws[u2 + t]), b2);
                b3 = z.fma(splat(ws[u3 + t]), b3);
            }
            a0.intoArray(out, o + c);
            a1.intoArray(out, o1 + c);
            a2.intoArray(out, o2 + c);
            a3.intoArray(out, o3 + c);
            b0.intoArray(out, o + e);
            b1.intoArray(out, o1 + e);
            b2.intoArray(out, o2 + e);
            b3.intoArray(out, o3 + e);
        }
    }
}
