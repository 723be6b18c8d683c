package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.Q4_KInterleaved.DMIN;
import static dev.cria.kernels.Q4_KInterleaved.GROUP_BLOCK_BYTES;
import static dev.cria.kernels.Q4_KInterleaved.MINS;
import static dev.cria.kernels.Q4_KInterleaved.QK;
import static dev.cria.kernels.Q4_KInterleaved.QUANTS;
import static dev.cria.kernels.Q4_KInterleaved.ROWS;
import static dev.cria.kernels.Q4_KInterleaved.SCALES;
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * Integer dot products of {@link Q4_KInterleaved} row groups with activations quantized to ggml's
 * block_q8_K ({@link Q8Activations#prepare}), as {@code ggml_vec_dot_q4_K_q8_K}: per row and
 * super-block {@code d_w d_x Σ_s sc_s S_s - dmin_w d_x Σ_s m_s bsum_s}, with {@code S_s} the exact
 * integer dot of sub-block s (32 values) and {@code bsum_s} the sum of its 32 activation values;
 * the super-blocks summed in float32 in order.
 *
 * <p>How: the 32 bytes {@code qs[k]} of a group's super-block are widened to 32 int16 lanes
 * (lane = row). For each of the 4 runs of 32 bytes (k = 32t + l) and each half (l = 0..15,
 * 16..31), the low nibbles times activation value 64t + l (broadcast) and the high nibbles times
 * value 64t + 32 + l accumulate lane by lane in two int16 vectors (each sum at most
 * {@code 16 * 15 * 127 = 30480}: exact; 32 products would not fit). Each half's two sums are
 * widened to int32 and multiplied by the 32 rows' sub-block scales (u8, widened) into the super-block
 * sum {@code I = Σ_s sc_s S_s} (int32, exact). The mins' term {@code M = Σ_s m_s bsum_s} is 8
 * multiplies of the widened mins by a broadcast. Then, per row, in this order and in every kernel
 * here:
 * <pre>
 *   acc = fma((float) I,  d_w * d_x,    acc)
 *   acc = fma((float) -M, dmin_w * d_x, acc)
 * </pre>
 * Every (row, token) is the same operations in the same order in each kernel (one group, two
 * groups, four tokens) and in the scalar twin {@link #scalar}, so a token's result does not depend
 * on its batch or on how groups are split over threads.
 *
 * <p>Vectors are never passed to helper methods (if C2 did not inline one, it would box them) and
 * the four-token kernel keeps its sums in memory (too many live vectors made C2 box them in
 * {@link Q4_0InterleavedDot#group4}).
 */
final class Q4_KInterleavedDot {
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /** Ints of the four-token kernel's scratch: 4 tokens x 32 rows. */
    static final int SCRATCH = 4 * ROWS;

    private Q4_KInterleavedDot() {
    }

    /**
     * One token, one group at {@code o}: {@code out[outOff + r]} for its 32 rows. Activations:
     * values {@code q[qOff ..]}, super-block scales {@code dx[dOff ..]}, sums per 16 values
     * {@code bsum[16 * dOff ..]}.
     */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bsum, int dOff, int nb, float[] out, int outOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            IntVector is0 = IntVector.zero(I512), is1 = is0;
            for (int t = 0; t < 4; t++) {
                for (int h = 0; h < 2; h++) {
                    ShortVector lo = ShortVector.zero(S512), hi = lo;
                    long qo = o + QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xo = qOff + QK * b + 64 * t + 16 * h;
                    for (int l = 0; l < 16; l++) {
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                        lo = lo.add(v.and((short) 0xF).mul(q[xo + l]));
                        hi = hi.add(v.lanewise(VectorOperators.LSHR, 4).mul(q[xo + 32 + l]));
                    }
                    long so = o + SCALES + (long) ROWS * 2 * t;
                    is0 = is0.add(((IntVector) lo.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, so, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) hi.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, so + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                    is1 = is1.add(((IntVector) lo.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, so + 16, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) hi.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, so + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                }
            }
            IntVector ms0 = IntVector.zero(I512), ms1 = ms0;
            int sb = 16 * (dOff + b);
            for (int s = 0; s < 8; s++) {
                int bs = bsum[sb + 2 * s] + bsum[sb + 2 * s + 1];
                ms0 = ms0.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, o + MINS + (long) ROWS * s, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                ms1 = ms1.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, o + MINS + (long) ROWS * s + 16, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
            }
            float d = dx[dOff + b];
            acc0 = ((FloatVector) is0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o, LE).mul(d), acc0);
            acc1 = ((FloatVector) is1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o + 64, LE).mul(d), acc1);
            acc0 = ((FloatVector) ms0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o + DMIN, LE).mul(d), acc0);
            acc1 = ((FloatVector) ms1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o + DMIN + 64, LE).mul(d), acc1);
        }
        acc0.intoArray(out, outOff);
        acc1.intoArray(out, outOff + 16);
    }

    /**
     * One token, two groups at {@code oa} and {@code ob} sharing each activation broadcast: two
     * memory streams in flight (far apart in memory, the caller's choice). Each group's results are
     * {@link #group}'s.
     */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, int[] bsum, int dOff, int nb,
                        float[] out, int outA, int outB) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            IntVector ia0 = IntVector.zero(I512), ia1 = ia0, ib0 = ia0, ib1 = ia0;
            for (int t = 0; t < 4; t++) {
                for (int h = 0; h < 2; h++) {
                    ShortVector alo = ShortVector.zero(S512), ahi = alo, blo = alo, bhi = alo;
                    long qo = QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xo = qOff + QK * b + 64 * t + 16 * h;
                    for (int l = 0; l < 16; l++) {
                        short xl = q[xo + l], xh = q[xo + 32 + l];
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, oa + qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                        alo = alo.add(v.and((short) 0xF).mul(xl));
                        ahi = ahi.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                        ShortVector u = (ShortVector) ByteVector.fromMemorySegment(B256, w, ob + qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                        blo = blo.add(u.and((short) 0xF).mul(xl));
                        bhi = bhi.add(u.lanewise(VectorOperators.LSHR, 4).mul(xh));
                    }
                    long so = SCALES + (long) ROWS * 2 * t;
                    ia0 = ia0.add(((IntVector) alo.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                    ia1 = ia1.add(((IntVector) alo.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so + 16, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                    ib0 = ib0.add(((IntVector) blo.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                    ib1 = ib1.add(((IntVector) blo.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so + 16, LE).convertShape(VectorOperators.B2I, I512, 0)))
                            .add(((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                }
            }
            IntVector ma0 = IntVector.zero(I512), ma1 = ma0, mb0 = ma0, mb1 = ma0;
            int sb = 16 * (dOff + b);
            for (int s = 0; s < 8; s++) {
                int bs = bsum[sb + 2 * s] + bsum[sb + 2 * s + 1];
                long mo = MINS + (long) ROWS * s;
                ma0 = ma0.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, oa + mo, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                ma1 = ma1.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, oa + mo + 16, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                mb0 = mb0.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, ob + mo, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                mb1 = mb1.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, ob + mo + 16, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
            }
            float d = dx[dOff + b];
            a0 = ((FloatVector) ia0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa, LE).mul(d), a0);
            a1 = ((FloatVector) ia1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa + 64, LE).mul(d), a1);
            b0 = ((FloatVector) ib0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob, LE).mul(d), b0);
            b1 = ((FloatVector) ib1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob + 64, LE).mul(d), b1);
            a0 = ((FloatVector) ma0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa + DMIN, LE).mul(d), a0);
            a1 = ((FloatVector) ma1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa + DMIN + 64, LE).mul(d), a1);
            b0 = ((FloatVector) mb0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob + DMIN, LE).mul(d), b0);
            b1 = ((FloatVector) mb1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob + DMIN + 64, LE).mul(d), b1);
        }
        a0.intoArray(out, outA);
        a1.intoArray(out, outA + 16);
        b0.intoArray(out, outB);
        b1.intoArray(out, outB + 16);
    }

    /**
     * Four tokens, one group at {@code o}: each weight vector widened once for all four. Token t's
     * values start at {@code q[qOff + t * n]}, its super-block scales at {@code dx[dOff + t * nb]}
     * (sums at 16 times that), its results go to {@code out[outOff + t * outStride ..]};
     * {@code sums} is scratch of {@value #SCRATCH} ints. Each token's results are {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, int[] bsum, int dOff, int nb,
                       float[] out, int outOff, int outStride, int[] sums) {
        // The float accumulators live in out and the super-block's integer sums in sums (both in L1):
        // 16 more vectors live across the loops would make C2 box them.
        int oa = outOff, ob = outOff + outStride, oc = outOff + 2 * outStride, oe = outOff + 3 * outStride;
        FloatVector zero = FloatVector.zero(F);
        zero.intoArray(out, oa);
        zero.intoArray(out, oa + 16);
        zero.intoArray(out, ob);
        zero.intoArray(out, ob + 16);
        zero.intoArray(out, oc);
        zero.intoArray(out, oc + 16);
        zero.intoArray(out, oe);
        zero.intoArray(out, oe + 16);
        IntVector izero = IntVector.zero(I512);
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            for (int i = 0; i < SCRATCH; i += 16) izero.intoArray(sums, i);
            for (int t = 0; t < 4; t++) {
                for (int h = 0; h < 2; h++) {
                    ShortVector alo = ShortVector.zero(S512), ahi = alo, blo = alo, bhi = alo, clo = alo, chi = alo, elo = alo, ehi = alo;
                    long qo = o + QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xa = qOff + QK * b + 64 * t + 16 * h, xb = xa + n, xc = xa + 2 * n, xe = xa + 3 * n;
                    for (int l = 0; l < 16; l++) {
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                        ShortVector vl = v.and((short) 0xF), vh = v.lanewise(VectorOperators.LSHR, 4);
                        alo = alo.add(vl.mul(q[xa + l]));
                        ahi = ahi.add(vh.mul(q[xa + 32 + l]));
                        blo = blo.add(vl.mul(q[xb + l]));
                        bhi = bhi.add(vh.mul(q[xb + 32 + l]));
                        clo = clo.add(vl.mul(q[xc + l]));
                        chi = chi.add(vh.mul(q[xc + 32 + l]));
                        elo = elo.add(vl.mul(q[xe + l]));
                        ehi = ehi.add(vh.mul(q[xe + 32 + l]));
                    }
                    long so = o + SCALES + (long) ROWS * 2 * t;
                    IntVector sl0 = (IntVector) ByteVector.fromMemorySegment(B128, w, so, LE).convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sl1 = (IntVector) ByteVector.fromMemorySegment(B128, w, so + 16, LE).convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sh0 = (IntVector) ByteVector.fromMemorySegment(B128, w, so + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0);
                    IntVector sh1 = (IntVector) ByteVector.fromMemorySegment(B128, w, so + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0);
                    // written out per token: a helper taking vectors, if C2 did not inline it, would box them
                    IntVector.fromArray(I512, sums, 0).add(((IntVector) alo.convertShape(VectorOperators.S2I, I512, 0)).mul(sl0))
                            .add(((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 0)).mul(sh0)).intoArray(sums, 0);
                    IntVector.fromArray(I512, sums, 16).add(((IntVector) alo.convertShape(VectorOperators.S2I, I512, 1)).mul(sl1))
                            .add(((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 1)).mul(sh1)).intoArray(sums, 16);
                    IntVector.fromArray(I512, sums, 32).add(((IntVector) blo.convertShape(VectorOperators.S2I, I512, 0)).mul(sl0))
                            .add(((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 0)).mul(sh0)).intoArray(sums, 32);
                    IntVector.fromArray(I512, sums, 48).add(((IntVector) blo.convertShape(VectorOperators.S2I, I512, 1)).mul(sl1))
                            .add(((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 1)).mul(sh1)).intoArray(sums, 48);
                    IntVector.fromArray(I512, sums, 64).add(((IntVector) clo.convertShape(VectorOperators.S2I, I512, 0)).mul(sl0))
                            .add(((IntVector) chi.convertShape(VectorOperators.S2I, I512, 0)).mul(sh0)).intoArray(sums, 64);
                    IntVector.fromArray(I512, sums, 80).add(((IntVector) clo.convertShape(VectorOperators.S2I, I512, 1)).mul(sl1))
                            .add(((IntVector) chi.convertShape(VectorOperators.S2I, I512, 1)).mul(sh1)).intoArray(sums, 80);
                    IntVector.fromArray(I512, sums, 96).add(((IntVector) elo.convertShape(VectorOperators.S2I, I512, 0)).mul(sl0))
                            .add(((IntVector) ehi.convertShape(VectorOperators.S2I, I512, 0)).mul(sh0)).intoArray(sums, 96);
                    IntVector.fromArray(I512, sums, 112).add(((IntVector) elo.convertShape(VectorOperators.S2I, I512, 1)).mul(sl1))
                            .add(((IntVector) ehi.convertShape(VectorOperators.S2I, I512, 1)).mul(sh1)).intoArray(sums, 112);
                }
            }
            FloatVector dw0 = FloatVector.fromMemorySegment(F, w, o, LE), dw1 = FloatVector.fromMemorySegment(F, w, o + 64, LE);
            FloatVector dm0 = FloatVector.fromMemorySegment(F, w, o + DMIN, LE), dm1 = FloatVector.fromMemorySegment(F, w, o + DMIN + 64, LE);
            for (int k = 0; k < 4; k++) {
                int ok = outOff + k * outStride, dk = dOff + k * nb + b;
                IntVector ms0 = IntVector.zero(I512), ms1 = ms0;
                int sb = 16 * dk;
                for (int s = 0; s < 8; s++) {
                    int bs = bsum[sb + 2 * s] + bsum[sb + 2 * s + 1];
                    ms0 = ms0.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, o + MINS + (long) ROWS * s, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                    ms1 = ms1.sub(((IntVector) ByteVector.fromMemorySegment(B128, w, o + MINS + (long) ROWS * s + 16, LE).convertShape(VectorOperators.B2I, I512, 0)).mul(bs));
                }
                float d = dx[dk];
                FloatVector acc0 = ((FloatVector) IntVector.fromArray(I512, sums, 32 * k).convert(VectorOperators.I2F, 0)).fma(dw0.mul(d), FloatVector.fromArray(F, out, ok));
                FloatVector acc1 = ((FloatVector) IntVector.fromArray(I512, sums, 32 * k + 16).convert(VectorOperators.I2F, 0)).fma(dw1.mul(d), FloatVector.fromArray(F, out, ok + 16));
                ((FloatVector) ms0.convert(VectorOperators.I2F, 0)).fma(dm0.mul(d), acc0).intoArray(out, ok);
                ((FloatVector) ms1.convert(VectorOperators.I2F, 0)).fma(dm1.mul(d), acc1).intoArray(out, ok + 16);
            }
        }
    }

    /**
     * The scalar twin of {@link #group}: the same integer sums and the same float32 operations in
     * the same order per row (see the class comment).
     */
    static void scalar(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bsum, int dOff, int nb, float[] out, int outOff) {
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            long ob = o;
            for (int b = 0; b < nb; b++, ob += GROUP_BLOCK_BYTES) {
                int isum = 0;
                for (int t = 0; t < 4; t++) {
                    for (int h = 0; h < 2; h++) {
                        int lo = 0, hi = 0;
                        int xo = qOff + QK * b + 64 * t + 16 * h;
                        for (int l = 0; l < 16; l++) {
                            int byt = WeightBytes.u8(w, ob + QUANTS + (long) ROWS * (32 * t + 16 * h + l) + r);
                            lo += (byt & 0xF) * q[xo + l];
                            hi += (byt >>> 4) * q[xo + 32 + l];
                        }
                        isum += lo * WeightBytes.u8(w, ob + SCALES + (long) ROWS * (2 * t) + r)
                                + hi * WeightBytes.u8(w, ob + SCALES + (long) ROWS * (2 * t + 1) + r);
                    }
                }
                int msum = 0;
                int sb = 16 * (dOff + b);
                for (int s = 0; s < 8; s++) msum -= WeightBytes.u8(w, ob + MINS + (long) ROWS * s + r) * (bsum[sb + 2 * s] + bsum[sb + 2 * s + 1]);
                float d = dx[dOff + b];
                acc = Math.fma((float) isum, w.get(WeightBytes.F32, ob + 4L * r) * d, acc);
                acc = Math.fma((float) msum, w.get(WeightBytes.F32, ob + DMIN + 4L * r) * d, acc);
            }
            out[outOff + r] = acc;
        }
    }
}
