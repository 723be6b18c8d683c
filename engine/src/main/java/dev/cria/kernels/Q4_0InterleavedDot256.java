package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.Q4_0Interleaved.GROUP_BLOCK_BYTES;
import static dev.cria.kernels.Q4_0Interleaved.QUANTS;
import static dev.cria.kernels.Q4_0Interleaved.ROWS;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * {@link Q4_0InterleavedDot} in 256-bit vectors (AVX2, no AVX-512): the same layout
 * ({@link Q4_0Interleaved}, 32 rows per group) and the same results bit for bit, as
 * {@code ggml_vec_dot_q4_0_q8_0}.
 *
 * <p>How: a group is two halves of 16 rows. The 16 bytes {@code qs[j]} of a half are widened to 16
 * int16 lanes (one {@code vpmovzxbw}, lane = row) and multiplied by the broadcast activation value,
 * exactly as the 512-bit kernel does with 32 lanes; each half's two int16 sums are added and the
 * block's offset subtracted in int16 (exact, as there), widened to two 8-lane int32 vectors, and the
 * float part is per lane the 512-bit kernel's
 * ({@code acc = fma(float(S - bias), d_w * d_x, acc)} block by block), so every row gets the same
 * bits. AVX2 has 16 vector registers: the one-token kernels keep both halves in one pass (sharing
 * the broadcasts); the four-token kernel takes the halves one after the other within each block,
 * with its float accumulators in {@code out} (L1).
 *
 * <p>Measured in cache, one thread, Zen 4 under {@code -XX:UseAVX=2} (cycles per 32 weights, per
 * token), in a JVM that also runs the float kernels: one token 7.4 ({@link #groups2}; {@link #group}
 * 7.5-8) against 8 for the 256-bit float kernel ({@link Vector256Kernels}, the file layout); four
 * tokens 6.9 against the float path's 9-11 (four rows decoded, {@link FloatDot256#dot4x2}). In a
 * JVM running only the integer kernels they took about half that (groups2 3.7, group4 3.3): C2's
 * code for them depends on what else ran.
 * The int16 broadcast of each activation value (from a general register) is what bounds it: with
 * the values as int32 pairs, broadcast from memory as {@link Q6_KInterleavedDot} reads them, the
 * products alone took half the cycles, but that would need another activation array and signature.
 *
 * <p>Same signatures as {@link Q4_0InterleavedDot}; its {@link Q4_0InterleavedDot#scalar scalar}
 * twin is this class's reference as well.
 */
final class Q4_0InterleavedDot256 {
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    private Q4_0InterleavedDot256() {
    }

    /** {@link Q4_0InterleavedDot#group} in 256-bit vectors: one token, one group, the same bits. */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb, float[] out, int outOff) {
        FloatVector acc0 = FloatVector.zero(F256), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            ShortVector lo0 = ShortVector.zero(S256), hi0 = lo0, lo1 = lo0, hi1 = lo0;
            int xo = qOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                short xl = q[xo + j], xh = q[xo + 16 + j];
                long qo = o + QUANTS + (long) ROWS * j;
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, qo, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                lo0 = lo0.add(v.and((short) 0xF).mul(xl));
                hi0 = hi0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                ShortVector u = (ShortVector) ByteVector.fromMemorySegment(B128, w, qo + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                lo1 = lo1.add(u.and((short) 0xF).mul(xl));
                hi1 = hi1.add(u.lanewise(VectorOperators.LSHR, 4).mul(xh));
            }
            int bs = bias[bOff + b];
            float d = dx[bOff + b];
            ShortVector s0 = lo0.add(hi0).sub((short) bs);
            acc0 = ((FloatVector) s0.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o, LE).mul(d), acc0);
            acc1 = ((FloatVector) s0.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o + 32, LE).mul(d), acc1);
            ShortVector s1 = lo1.add(hi1).sub((short) bs);
            acc2 = ((FloatVector) s1.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o + 64, LE).mul(d), acc2);
            acc3 = ((FloatVector) s1.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o + 96, LE).mul(d), acc3);
        }
        acc0.intoArray(out, outOff);
        acc1.intoArray(out, outOff + 8);
        acc2.intoArray(out, outOff + 16);
        acc3.intoArray(out, outOff + 24);
    }

    /**
     * {@link Q4_0InterleavedDot#groups2} in 256-bit vectors: one token, two groups at {@code oa} and
     * {@code ob}, the same bits as {@link #group} for each. Both halves of both groups in one pass,
     * so that each activation broadcast (the costly part at 256 bits) feeds four products: eight
     * int16 accumulators, the float ones in {@code out} (3.7 instead of 5.9 cycles per 32 weights
     * with the halves one after the other).
     */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb,
                        float[] out, int outA, int outB) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) {
            zero.intoArray(out, outA + k);
            zero.intoArray(out, outB + k);
        }
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            int xo = qOff + 32 * b;
            ShortVector al0 = ShortVector.zero(S256), ah0 = al0, al1 = al0, ah1 = al0, bl0 = al0, bh0 = al0, bl1 = al0, bh1 = al0;
            for (int j = 0; j < 16; j++) {
                short xl = q[xo + j], xh = q[xo + 16 + j];
                long qo = QUANTS + (long) ROWS * j;
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, oa + qo, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                al0 = al0.add(v.and((short) 0xF).mul(xl));
                ah0 = ah0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                v = (ShortVector) ByteVector.fromMemorySegment(B128, w, oa + qo + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                al1 = al1.add(v.and((short) 0xF).mul(xl));
                ah1 = ah1.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                v = (ShortVector) ByteVector.fromMemorySegment(B128, w, ob + qo, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                bl0 = bl0.add(v.and((short) 0xF).mul(xl));
                bh0 = bh0.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                v = (ShortVector) ByteVector.fromMemorySegment(B128, w, ob + qo + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                bl1 = bl1.add(v.and((short) 0xF).mul(xl));
                bh1 = bh1.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
            }
            int bs = bias[bOff + b];
            float d = dx[bOff + b];
            // written out per half: a helper taking vectors, if C2 did not inline it, would box them
            ShortVector sa0 = al0.add(ah0).sub((short) bs);
            ((FloatVector) sa0.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, oa, LE).mul(d), FloatVector.fromArray(F256, out, outA)).intoArray(out, outA);
            ((FloatVector) sa0.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, oa + 32, LE).mul(d), FloatVector.fromArray(F256, out, outA + 8)).intoArray(out, outA + 8);
            ShortVector sa1 = al1.add(ah1).sub((short) bs);
            ((FloatVector) sa1.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, oa + 64, LE).mul(d), FloatVector.fromArray(F256, out, outA + 16)).intoArray(out, outA + 16);
            ((FloatVector) sa1.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, oa + 64 + 32, LE).mul(d), FloatVector.fromArray(F256, out, outA + 16 + 8)).intoArray(out, outA + 16 + 8);
            ShortVector sb0 = bl0.add(bh0).sub((short) bs);
            ((FloatVector) sb0.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, ob, LE).mul(d), FloatVector.fromArray(F256, out, outB)).intoArray(out, outB);
            ((FloatVector) sb0.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, ob + 32, LE).mul(d), FloatVector.fromArray(F256, out, outB + 8)).intoArray(out, outB + 8);
            ShortVector sb1 = bl1.add(bh1).sub((short) bs);
            ((FloatVector) sb1.convertShape(VectorOperators.S2I, I256, 0).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, ob + 64, LE).mul(d), FloatVector.fromArray(F256, out, outB + 16)).intoArray(out, outB + 16);
            ((FloatVector) sb1.convertShape(VectorOperators.S2I, I256, 1).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.fromMemorySegment(F256, w, ob + 64 + 32, LE).mul(d), FloatVector.fromArray(F256, out, outB + 16 + 8)).intoArray(out, outB + 16 + 8);
        }
    }

    /**
     * {@link Q4_0InterleavedDot#group4} in 256-bit vectors: four tokens, one group, each weight vector
     * widened once for all four; the same arguments, each token's results {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, int[] bias, int bOff, int nb,
                       float[] out, int outOff, int outStride) {
        int oa = outOff, ob = outOff + outStride, oc = outOff + 2 * outStride, oe = outOff + 3 * outStride;
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) {
            zero.intoArray(out, oa + k);
            zero.intoArray(out, ob + k);
            zero.intoArray(out, oc + k);
            zero.intoArray(out, oe + k);
        }
        int qa = qOff, qb = qOff + n, qc = qOff + 2 * n, qe = qOff + 3 * n;
        int ba = bOff, bb = bOff + nb, bc = bOff + 2 * nb, be = bOff + 3 * nb;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            int xo = 32 * b;
            for (int h = 0; h < 32; h += 16) {
                ShortVector alo = ShortVector.zero(S256), ahi = alo, blo = alo, bhi = alo, clo = alo, chi = alo, elo = alo, ehi = alo;
                for (int j = 0; j < 16; j++) {
                    ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B128, w, o + QUANTS + (long) ROWS * j + h, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                    ShortVector vl = v.and((short) 0xF), vh = v.lanewise(VectorOperators.LSHR, 4);
                    alo = alo.add(vl.mul(q[qa + xo + j]));
                    ahi = ahi.add(vh.mul(q[qa + xo + 16 + j]));
                    blo = blo.add(vl.mul(q[qb + xo + j]));
                    bhi = bhi.add(vh.mul(q[qb + xo + 16 + j]));
                    clo = clo.add(vl.mul(q[qc + xo + j]));
                    chi = chi.add(vh.mul(q[qc + xo + 16 + j]));
                    elo = elo.add(vl.mul(q[qe + xo + j]));
                    ehi = ehi.add(vh.mul(q[qe + xo + 16 + j]));
                }
                FloatVector s0 = FloatVector.fromMemorySegment(F256, w, o + 4L * h, LE), s1 = FloatVector.fromMemorySegment(F256, w, o + 4L * h + 32, LE);
                int pa = oa + h, pb = ob + h, pc = oc + h, pe = oe + h;
                // written out per token: a helper taking vectors, if C2 did not inline it, would box them
                ShortVector sa = alo.add(ahi).sub((short) bias[ba + b]);
                ((FloatVector) sa.convertShape(VectorOperators.S2I, I256, 0)
                        .convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[ba + b]), FloatVector.fromArray(F256, out, pa)).intoArray(out, pa);
                ((FloatVector) sa.convertShape(VectorOperators.S2I, I256, 1)
                        .convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[ba + b]), FloatVector.fromArray(F256, out, pa + 8)).intoArray(out, pa + 8);
                ShortVector sb = blo.add(bhi).sub((short) bias[bb + b]);
                ((FloatVector) sb.convertShape(VectorOperators.S2I, I256, 0)
                        .convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[bb + b]), FloatVector.fromArray(F256, out, pb)).intoArray(out, pb);
                ((FloatVector) sb.convertShape(VectorOperators.S2I, I256, 1)
                        .convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[bb + b]), FloatVector.fromArray(F256, out, pb + 8)).intoArray(out, pb + 8);
                ShortVector sc = clo.add(chi).sub((short) bias[bc + b]);
                ((FloatVector) sc.convertShape(VectorOperators.S2I, I256, 0)
                        .convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[bc + b]), FloatVector.fromArray(F256, out, pc)).intoArray(out, pc);
                ((FloatVector) sc.convertShape(VectorOperators.S2I, I256, 1)
                        .convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[bc + b]), FloatVector.fromArray(F256, out, pc + 8)).intoArray(out, pc + 8);
                ShortVector se = elo.add(ehi).sub((short) bias[be + b]);
                ((FloatVector) se.convertShape(VectorOperators.S2I, I256, 0)
                        .convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[be + b]), FloatVector.fromArray(F256, out, pe)).intoArray(out, pe);
                ((FloatVector) se.convertShape(VectorOperators.S2I, I256, 1)
                        .convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[be + b]), FloatVector.fromArray(F256, out, pe + 8)).intoArray(out, pe + 8);
            }
        }
    }
}
