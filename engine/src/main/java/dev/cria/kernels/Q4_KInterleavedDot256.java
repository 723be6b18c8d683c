package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.Q4_KInterleaved.D;
import static dev.cria.kernels.Q4_KInterleaved.DMIN;
import static dev.cria.kernels.Q4_KInterleaved.GROUP_BLOCK_BYTES;
import static dev.cria.kernels.Q4_KInterleaved.MINS;
import static dev.cria.kernels.Q4_KInterleaved.QK;
import static dev.cria.kernels.Q4_KInterleaved.QUANTS;
import static dev.cria.kernels.Q4_KInterleaved.ROWS;
import static dev.cria.kernels.Q4_KInterleaved.SCALES;
import static dev.cria.kernels.Q4_KInterleavedDot.QB;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * {@link Q4_KInterleavedDot} in 256-bit vectors (AVX2, no AVX-512): the same layout
 * ({@link Q4_KInterleaved}, 32 rows per group), the same activations (block_q8_0 per sub-block),
 * the same scratch ({@link Q4_KInterleavedDot#SCRATCH} ints, the same places) and the same results
 * bit for bit.
 *
 * <p>How: a group is two halves of 16 rows. The 16 bytes {@code qs[k]} of a half are widened to 16
 * int16 lanes (one {@code vpmovzxbw}, lane = row) and multiplied by the broadcast activation value
 * as the 512-bit kernel does with 32 lanes; the int16 sums of 16 values go to the scratch as 8-lane
 * int32 vectors. The float part runs per 8 rows, per lane the 512-bit kernel's operations in its
 * order (see {@link Q4_KInterleavedDot}: {@code fi}, {@code fm} over the 8 sub-blocks, then
 * {@code acc = fma(fi, d_w, acc)}, {@code acc = fma(fm, dmin_w, acc)}). AVX2 has 16 vector registers:
 * the one-token kernels keep both halves (of both groups) in one pass, sharing the broadcasts; the
 * four-token kernel takes them one after the other.
 *
 * <p>Measured in cache, one thread, Zen 4 under {@code -XX:UseAVX=2} (cycles per 32 weights, per
 * token): one token 9 ({@link #groups2}; {@link #group} 10) against 22 for the 256-bit float kernel
 * ({@link Vector256Kernels}, the file layout); four tokens 5.7-8 against 10-11 (four rows decoded,
 * {@link FloatDot256#dot4x2}).
 *
 * <p>Same signatures as {@link Q4_KInterleavedDot}; its {@link Q4_KInterleavedDot#scalar scalar}
 * twin is this class's reference as well.
 */
final class Q4_KInterleavedDot256 {
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    private Q4_KInterleavedDot256() {
    }

    /**
     * {@link Q4_KInterleavedDot#group} in 256-bit vectors: one token, one group, the same bits;
     * {@code sums} is scratch of {@link Q4_KInterleavedDot#SCRATCH} ints.
     */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, float[] mx, int dOff, int nb, float[] out, int outOff, int[] sums) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) zero.intoArray(out, outOff + k);
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) {
                int sb = 64 * t;
                for (int h = 0; h < 2; h++) {
                    ShortVector lo0 = ShortVector.zero(S256), hi0 = lo0, lo1 = lo0, hi1 = lo0;
                    long qo = o + QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xo = qOff + QK * b + 64 * t + 16 * h;
                    for (int l = 0; l < 16; l++) {
                        short xl = q[xo + l], xh = q[xo + 32 + l];
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        lo0 = lo0.add(v.and((short) 0xF).mul(xl));
                        hi0 = hi0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                        ShortVector u = (ShortVector) ByteVector.fromMemorySegment(B128, w, qo + (long) ROWS * l + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        lo1 = lo1.add(u.and((short) 0xF).mul(xl));
                        hi1 = hi1.add(u.lanewise(VectorOperators.LSHR, 4).mul(xh));
                    }
                    if (h == 0) {
                        ((IntVector) lo0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 0);
                        ((IntVector) lo0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 8);
                        ((IntVector) lo1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 16);
                        ((IntVector) lo1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 24);
                        ((IntVector) hi0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 32);
                        ((IntVector) hi0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 40);
                        ((IntVector) hi1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 48);
                        ((IntVector) hi1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 56);
                    } else {
                        IntVector.fromArray(I256, sums, sb + 0).add((IntVector) lo0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 0);
                        IntVector.fromArray(I256, sums, sb + 8).add((IntVector) lo0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 8);
                        IntVector.fromArray(I256, sums, sb + 16).add((IntVector) lo1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 16);
                        IntVector.fromArray(I256, sums, sb + 24).add((IntVector) lo1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 24);
                        IntVector.fromArray(I256, sums, sb + 32).add((IntVector) hi0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 32);
                        IntVector.fromArray(I256, sums, sb + 40).add((IntVector) hi0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 40);
                        IntVector.fromArray(I256, sums, sb + 48).add((IntVector) hi1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 48);
                        IntVector.fromArray(I256, sums, sb + 56).add((IntVector) hi1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 56);
                    }
                }
            }
            finish(w, o, dx, mx, dOff + 8 * b, out, outOff, sums, 0);
        }
    }

    /**
     * The float part of block {@code o} for one group's sub-block sums at {@code sums[base ..]}, per
     * 8 rows (x0: the block's first activation block): per lane the 512-bit kernel's operations.
     */
    private static void finish(MemorySegment w, long o, float[] dx, float[] mx, int x0, float[] out, int outOff, int[] sums, int base) {
        FloatVector zero = FloatVector.zero(F256);
        for (int e = 0; e < 32; e += 8) {
            long ws = o + e;
            FloatVector fi = zero, fm = zero;
            for (int s = 0; s < 8; s++) {
                fi = ((FloatVector) IntVector.fromArray(I256, sums, base + 32 * s + e).mul((IntVector) ByteVector.fromMemorySegment(B64, w, ws + SCALES + (long) ROWS * s, LE).convertShape(VectorOperators.B2I, I256, 0))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, dx[x0 + s]), fi);
                fm = ((FloatVector) ByteVector.fromMemorySegment(B64, w, ws + MINS + (long) ROWS * s, LE).convertShape(VectorOperators.B2F, F256, 0))
                        .fma(FloatVector.broadcast(F256, mx[x0 + s]), fm);
            }
            int oo = outOff + e;
            FloatVector acc = fi.fma(FloatVector.fromMemorySegment(F256, w, o + D + 4L * e, LE), FloatVector.fromArray(F256, out, oo));
            fm.fma(FloatVector.fromMemorySegment(F256, w, o + DMIN + 4L * e, LE), acc).intoArray(out, oo);
        }
    }

    /**
     * {@link Q4_KInterleavedDot#groups2} in 256-bit vectors: one token, two groups sharing each
     * activation broadcast, the same bits as {@link #group} for each; {@code sums} is scratch of
     * {@link Q4_KInterleavedDot#SCRATCH} ints.
     */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, float[] mx, int dOff, int nb,
                        float[] out, int outA, int outB, int[] sums) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) {
            zero.intoArray(out, outA + k);
            zero.intoArray(out, outB + k);
        }
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) {
                int sb = 64 * t;
                for (int h = 0; h < 2; h++) {
                    // both halves of both groups in one pass: each activation broadcast feeds four products
                    ShortVector al0 = ShortVector.zero(S256), ah0 = al0, al1 = al0, ah1 = al0, bl0 = al0, bh0 = al0, bl1 = al0, bh1 = al0;
                    long qo = QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xo = qOff + QK * b + 64 * t + 16 * h;
                    for (int l = 0; l < 16; l++) {
                        short xl = q[xo + l], xh = q[xo + 32 + l];
                        long ql = qo + (long) ROWS * l;
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, oa + ql, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        al0 = al0.add(v.and((short) 0xF).mul(xl));
                        ah0 = ah0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                        v = (ShortVector) ByteVector.fromMemorySegment(B128, w, oa + ql + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        al1 = al1.add(v.and((short) 0xF).mul(xl));
                        ah1 = ah1.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                        v = (ShortVector) ByteVector.fromMemorySegment(B128, w, ob + ql, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        bl0 = bl0.add(v.and((short) 0xF).mul(xl));
                        bh0 = bh0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                        v = (ShortVector) ByteVector.fromMemorySegment(B128, w, ob + ql + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        bl1 = bl1.add(v.and((short) 0xF).mul(xl));
                        bh1 = bh1.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                    }
                    if (h == 0) {
                        ((IntVector) al0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 0);
                        ((IntVector) al0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 8);
                        ((IntVector) ah0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 32);
                        ((IntVector) ah0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 40);
                        ((IntVector) al1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 16 + sb + 0);
                        ((IntVector) al1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 16 + sb + 8);
                        ((IntVector) ah1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 16 + sb + 32);
                        ((IntVector) ah1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 16 + sb + 40);
                        ((IntVector) bl0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 0);
                        ((IntVector) bl0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 8);
                        ((IntVector) bh0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 32);
                        ((IntVector) bh0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 40);
                        ((IntVector) bl1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 272 + sb + 0);
                        ((IntVector) bl1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 272 + sb + 8);
                        ((IntVector) bh1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 272 + sb + 32);
                        ((IntVector) bh1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 272 + sb + 40);
                    } else {
                        IntVector.fromArray(I256, sums, sb + 0).add((IntVector) al0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 0);
                        IntVector.fromArray(I256, sums, sb + 8).add((IntVector) al0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 8);
                        IntVector.fromArray(I256, sums, sb + 32).add((IntVector) ah0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 32);
                        IntVector.fromArray(I256, sums, sb + 40).add((IntVector) ah0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 40);
                        IntVector.fromArray(I256, sums, 16 + sb + 0).add((IntVector) al1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 16 + sb + 0);
                        IntVector.fromArray(I256, sums, 16 + sb + 8).add((IntVector) al1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 16 + sb + 8);
                        IntVector.fromArray(I256, sums, 16 + sb + 32).add((IntVector) ah1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 16 + sb + 32);
                        IntVector.fromArray(I256, sums, 16 + sb + 40).add((IntVector) ah1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 16 + sb + 40);
                        IntVector.fromArray(I256, sums, 256 + sb + 0).add((IntVector) bl0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 0);
                        IntVector.fromArray(I256, sums, 256 + sb + 8).add((IntVector) bl0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 8);
                        IntVector.fromArray(I256, sums, 256 + sb + 32).add((IntVector) bh0.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 32);
                        IntVector.fromArray(I256, sums, 256 + sb + 40).add((IntVector) bh0.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 40);
                        IntVector.fromArray(I256, sums, 272 + sb + 0).add((IntVector) bl1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 272 + sb + 0);
                        IntVector.fromArray(I256, sums, 272 + sb + 8).add((IntVector) bl1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 272 + sb + 8);
                        IntVector.fromArray(I256, sums, 272 + sb + 32).add((IntVector) bh1.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 272 + sb + 32);
                        IntVector.fromArray(I256, sums, 272 + sb + 40).add((IntVector) bh1.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 272 + sb + 40);
                    }
                }
            }
            int x0 = dOff + 8 * b;
            finish(w, oa, dx, mx, x0, out, outA, sums, 0);
            finish(w, ob, dx, mx, x0, out, outB, sums, 256);
        }
    }

    /**
     * {@link Q4_KInterleavedDot#group4} in 256-bit vectors: four tokens, one group, each weight vector
     * widened once for all four; the same arguments, each token's results {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, float[] mx, int dOff, int nb,
                       float[] out, int outOff, int outStride, int[] sums) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 4; k++) {
            for (int e = 0; e < 32; e += 8) zero.intoArray(out, outOff + k * outStride + e);
        }
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) {
                products4(w, o, q, qOff, n, b, t, 0, 0, sums);
                products4(w, o, q, qOff, n, b, t, 0, 16, sums);
                products4(w, o, q, qOff, n, b, t, 1, 0, sums);
                products4(w, o, q, qOff, n, b, t, 1, 16, sums);
            }
            finish4(w, o, dx, mx, dOff, n, b, out, outOff, outStride, sums);
        }
    }

    /**
     * {@link #group4}'s integer part for sub-block pair t, value half h of block b, rows r .. r + 15:
     * the four tokens' exact sums into {@code sums} (h = 0 stores them, h = 1 adds its own and
     * multiplies by the rows' scales), at {@link Q4_KInterleavedDot}'s places.
     */
    private static void products4(MemorySegment w, long o, short[] q, int qOff, int n, int b, int t, int h, int r, int[] sums) {
        int sb = 64 * t + r;
        long qo = o + QUANTS + (long) ROWS * (32 * t + 16 * h) + r;
        int xa = qOff + QK * b + 64 * t + 16 * h, xb = xa + n, xc = xa + 2 * n, xe = xa + 3 * n;
        ShortVector alo = ShortVector.zero(S256), ahi = alo, blo = alo, bhi = alo, clo = alo, chi = alo, elo = alo, ehi = alo;
        for (int l = 0; l < 16; l++) {
            ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
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
        if (h == 0) {
            ((IntVector) alo.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 0);
            ((IntVector) alo.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 8);
            ((IntVector) ahi.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, sb + 32);
            ((IntVector) ahi.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, sb + 40);
            ((IntVector) blo.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 0);
            ((IntVector) blo.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 8);
            ((IntVector) bhi.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 256 + sb + 32);
            ((IntVector) bhi.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 256 + sb + 40);
            ((IntVector) clo.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 512 + sb + 0);
            ((IntVector) clo.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 512 + sb + 8);
            ((IntVector) chi.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 512 + sb + 32);
            ((IntVector) chi.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 512 + sb + 40);
            ((IntVector) elo.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 768 + sb + 0);
            ((IntVector) elo.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 768 + sb + 8);
            ((IntVector) ehi.convertShape(VectorOperators.S2I, I256, 0)).intoArray(sums, 768 + sb + 32);
            ((IntVector) ehi.convertShape(VectorOperators.S2I, I256, 1)).intoArray(sums, 768 + sb + 40);
        } else {
            // S_s times the rows' scales sc_s (exact ints), shared by the four tokens
            long so = o + SCALES + (long) ROWS * 2 * t + r;
            IntVector sl0 = (IntVector) ByteVector.fromMemorySegment(B64, w, so, LE).convertShape(VectorOperators.B2I, I256, 0);
            IntVector sl1 = (IntVector) ByteVector.fromMemorySegment(B64, w, so + 8, LE).convertShape(VectorOperators.B2I, I256, 0);
            IntVector sh0 = (IntVector) ByteVector.fromMemorySegment(B64, w, so + ROWS, LE).convertShape(VectorOperators.B2I, I256, 0);
            IntVector sh1 = (IntVector) ByteVector.fromMemorySegment(B64, w, so + ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0);
            IntVector.fromArray(I256, sums, sb + 0).add((IntVector) alo.convertShape(VectorOperators.S2I, I256, 0)).mul(sl0).intoArray(sums, sb + 0);
            IntVector.fromArray(I256, sums, sb + 8).add((IntVector) alo.convertShape(VectorOperators.S2I, I256, 1)).mul(sl1).intoArray(sums, sb + 8);
            IntVector.fromArray(I256, sums, sb + 32).add((IntVector) ahi.convertShape(VectorOperators.S2I, I256, 0)).mul(sh0).intoArray(sums, sb + 32);
            IntVector.fromArray(I256, sums, sb + 40).add((IntVector) ahi.convertShape(VectorOperators.S2I, I256, 1)).mul(sh1).intoArray(sums, sb + 40);
            IntVector.fromArray(I256, sums, 256 + sb + 0).add((IntVector) blo.convertShape(VectorOperators.S2I, I256, 0)).mul(sl0).intoArray(sums, 256 + sb + 0);
            IntVector.fromArray(I256, sums, 256 + sb + 8).add((IntVector) blo.convertShape(VectorOperators.S2I, I256, 1)).mul(sl1).intoArray(sums, 256 + sb + 8);
            IntVector.fromArray(I256, sums, 256 + sb + 32).add((IntVector) bhi.convertShape(VectorOperators.S2I, I256, 0)).mul(sh0).intoArray(sums, 256 + sb + 32);
            IntVector.fromArray(I256, sums, 256 + sb + 40).add((IntVector) bhi.convertShape(VectorOperators.S2I, I256, 1)).mul(sh1).intoArray(sums, 256 + sb + 40);
            IntVector.fromArray(I256, sums, 512 + sb + 0).add((IntVector) clo.convertShape(VectorOperators.S2I, I256, 0)).mul(sl0).intoArray(sums, 512 + sb + 0);
            IntVector.fromArray(I256, sums, 512 + sb + 8).add((IntVector) clo.convertShape(VectorOperators.S2I, I256, 1)).mul(sl1).intoArray(sums, 512 + sb + 8);
            IntVector.fromArray(I256, sums, 512 + sb + 32).add((IntVector) chi.convertShape(VectorOperators.S2I, I256, 0)).mul(sh0).intoArray(sums, 512 + sb + 32);
            IntVector.fromArray(I256, sums, 512 + sb + 40).add((IntVector) chi.convertShape(VectorOperators.S2I, I256, 1)).mul(sh1).intoArray(sums, 512 + sb + 40);
            IntVector.fromArray(I256, sums, 768 + sb + 0).add((IntVector) elo.convertShape(VectorOperators.S2I, I256, 0)).mul(sl0).intoArray(sums, 768 + sb + 0);
            IntVector.fromArray(I256, sums, 768 + sb + 8).add((IntVector) elo.convertShape(VectorOperators.S2I, I256, 1)).mul(sl1).intoArray(sums, 768 + sb + 8);
            IntVector.fromArray(I256, sums, 768 + sb + 32).add((IntVector) ehi.convertShape(VectorOperators.S2I, I256, 0)).mul(sh0).intoArray(sums, 768 + sb + 32);
            IntVector.fromArray(I256, sums, 768 + sb + 40).add((IntVector) ehi.convertShape(VectorOperators.S2I, I256, 1)).mul(sh1).intoArray(sums, 768 + sb + 40);
        }
    }

    /** {@link #group4}'s float part for block b: the four tokens' sub-block sums scaled into their accumulators, per 8 rows. */
    private static void finish4(MemorySegment w, long o, float[] dx, float[] mx, int dOff, int n, int b, float[] out, int outOff, int outStride, int[] sums) {
        int nx = n / QB;
        FloatVector zero = FloatVector.zero(F256);
        int xa = dOff + 8 * b, xb = xa + nx, xc = xa + 2 * nx, xe = xa + 3 * nx;
        for (int e = 0; e < 32; e += 8) {
            FloatVector fa = zero, fb = zero, fc = zero, fe = zero, ma = zero, mb = zero, mc = zero, me = zero;
            for (int s = 0; s < 8; s++) {
                int so = 32 * s + e;
                FloatVector m = (FloatVector) ByteVector.fromMemorySegment(B64, w, o + MINS + (long) ROWS * s + e, LE).convertShape(VectorOperators.B2F, F256, 0);
                fa = ((FloatVector) IntVector.fromArray(I256, sums, so).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, dx[xa + s]), fa);
                ma = m.fma(FloatVector.broadcast(F256, mx[xa + s]), ma);
                fb = ((FloatVector) IntVector.fromArray(I256, sums, 256 + so).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, dx[xb + s]), fb);
                mb = m.fma(FloatVector.broadcast(F256, mx[xb + s]), mb);
                fc = ((FloatVector) IntVector.fromArray(I256, sums, 512 + so).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, dx[xc + s]), fc);
                mc = m.fma(FloatVector.broadcast(F256, mx[xc + s]), mc);
                fe = ((FloatVector) IntVector.fromArray(I256, sums, 768 + so).convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, dx[xe + s]), fe);
                me = m.fma(FloatVector.broadcast(F256, mx[xe + s]), me);
            }
            FloatVector dw = FloatVector.fromMemorySegment(F256, w, o + D + 4L * e, LE), dm = FloatVector.fromMemorySegment(F256, w, o + DMIN + 4L * e, LE);
            int oa = outOff + e, ob = oa + outStride, oc = oa + 2 * outStride, oe = oa + 3 * outStride;
            ma.fma(dm, fa.fma(dw, FloatVector.fromArray(F256, out, oa))).intoArray(out, oa);
            mb.fma(dm, fb.fma(dw, FloatVector.fromArray(F256, out, ob))).intoArray(out, ob);
            mc.fma(dm, fc.fma(dw, FloatVector.fromArray(F256, out, oc))).intoArray(out, oc);
            me.fma(dm, fe.fma(dw, FloatVector.fromArray(F256, out, oe))).intoArray(out, oe);
        }
    }
}
