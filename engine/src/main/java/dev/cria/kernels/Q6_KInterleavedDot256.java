package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.Q6_KInterleaved.GROUP_BLOCK_BYTES;
import static dev.cria.kernels.Q6_KInterleaved.QH;
import static dev.cria.kernels.Q6_KInterleaved.QL;
import static dev.cria.kernels.Q6_KInterleaved.ROWS;
import static dev.cria.kernels.Q6_KInterleaved.SCALES;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * {@link Q6_KInterleavedDot} in 256-bit vectors (AVX2, no AVX-512): the same layout
 * ({@link Q6_KInterleaved}, 32 rows per group), the same activations ({@code Q8Activations.pairK},
 * {@code sum8K}, block_q8_K scales) and the same results bit for bit, as
 * {@code ggml_vec_dot_q6_K_q8_K}.
 *
 * <p>How: a group is two halves of 16 rows, taken one after the other within each super-block. The
 * 6-bit q of 16 rows is built in bytes from 16-byte loads of {@code ql} and {@code qh} (16-bit
 * shifts, masks dropping what crosses a byte, as the 512-bit kernel), widened to 16 int16 lanes
 * (lane = row), multiplied by the broadcast activation value (a 32-bit broadcast of a pair) and
 * accumulated in int16 over 8 values; less {@code 32 Σ x} that is {@code Σ (q - 32) x}, exact (see
 * {@link Q6_KInterleavedDot}). Those sums times the rows' int8 scales add up in 8-lane int32 vectors,
 * and per super-block and lane one conversion and one FMA with {@code d_w * d_x}, the 512-bit
 * kernel's float operations; the float accumulators live in {@code out} (L1): AVX2 has 16 vector
 * registers.
 *
 * <p>Measured in cache, one thread, Zen 4 under {@code -XX:UseAVX=2} (cycles per 32 weights, per
 * token): one token 10-19 (from JVM to JVM) against 34 for the 256-bit float kernel
 * ({@link Vector256Kernels}, the file layout); four tokens about 11 against 13-15 (four rows decoded,
 * {@link FloatDot256#dot4x2}). Building the 6-bit q of all 32 rows in one 32-byte vector and widening
 * each half (fewer byte operations, two values per pass) measured the same.
 *
 * <p>Same signatures as {@link Q6_KInterleavedDot}; its {@link Q6_KInterleavedDot#scalar scalar}
 * twin is this class's reference as well.
 */
final class Q6_KInterleavedDot256 {
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    private Q6_KInterleavedDot256() {
    }

    /** {@link Q6_KInterleavedDot#group} in 256-bit vectors: one token, one group, the same bits. */
    static void group(MemorySegment w, long o, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb, float[] out, int outOff) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) zero.intoArray(out, outOff + k);
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            int xo = qOff + 256 * b;
            float d = dx[dOff + b];
            for (int r = 0; r < 32; r += 16) {
                IntVector s0 = IntVector.zero(I256), s1 = s0;
                for (int j0 = 0; j0 < 64; j0 += 8) {
                    // values j, j + 64, j + 128, j + 192: scale groups j0 / 16 + 0, 4, 8, 12
                    ShortVector a0 = ShortVector.zero(S256), a1 = a0, a2 = a0, a3 = a0;
                    int x0s = sum8[(xo + j0) >> 3], x1s = sum8[(xo + j0 + 64) >> 3], x2s = sum8[(xo + j0 + 128) >> 3], x3s = sum8[(xo + j0 + 192) >> 3];
                    for (int j = j0; j < j0 + 8; j++) {
                        ByteVector va = ByteVector.fromMemorySegment(B128, w, o + QL + (long) ROWS * j + r, LE);
                        ByteVector vb = ByteVector.fromMemorySegment(B128, w, o + QL + (long) ROWS * (j + 64) + r, LE);
                        ByteVector vh = ByteVector.fromMemorySegment(B128, w, o + QH + (long) ROWS * j + r, LE);
                        ByteVector qa = va.and((byte) 0xF).or(vh.reinterpretAsShorts().lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes().and((byte) 0x30));
                        ByteVector qb = vb.and((byte) 0xF).or(vh.reinterpretAsShorts().lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes().and((byte) 0x30));
                        ByteVector qc = va.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF).or(vh.and((byte) 0x30));
                        ByteVector qd = vb.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                                .or(vh.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                        a0 = a0.add(((ShortVector) qa.convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j]).reinterpretAsShorts()));
                        a1 = a1.add(((ShortVector) qb.convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 64]).reinterpretAsShorts()));
                        a2 = a2.add(((ShortVector) qc.convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 128]).reinterpretAsShorts()));
                        a3 = a3.add(((ShortVector) qd.convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 192]).reinterpretAsShorts()));
                    }
                    a0 = a0.sub((short) (32 * x0s));
                    a1 = a1.sub((short) (32 * x1s));
                    a2 = a2.sub((short) (32 * x2s));
                    a3 = a3.sub((short) (32 * x3s));
                    long sc = o + SCALES + (long) ROWS * (j0 >> 4) + r;
                    s0 = s0.add(((IntVector) a0.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a0.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a1.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 4 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a1.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 4 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a2.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 8 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a2.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 8 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a3.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 12 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a3.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 12 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                }
                int p = outOff + r;
                ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o + 4L * r, LE).mul(d), FloatVector.fromArray(F256, out, p)).intoArray(out, p);
                ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, o + 4L * r + 32, LE).mul(d), FloatVector.fromArray(F256, out, p + 8)).intoArray(out, p + 8);
            }
        }
    }

    /**
     * {@link Q6_KInterleavedDot#groups2} in 256-bit vectors: one token, two groups sharing each
     * activation broadcast (two values per pass, from the same {@code ql} byte), the same bits as
     * {@link #group} for each.
     */
    static void groups2(MemorySegment w, long oa, long ob, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb,
                        float[] out, int outA, int outB) {
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) {
            zero.intoArray(out, outA + k);
            zero.intoArray(out, outB + k);
        }
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            int xo = qOff + 256 * b;
            float d = dx[dOff + b];
            for (int r = 0; r < 32; r += 16) {
                IntVector sa0 = IntVector.zero(I256), sa1 = sa0, sb0 = sa0, sb1 = sa0;
                for (int p = 0; p < 128; p += 8) {
                    // p < 64: values j, j + 128 (low, high nibbles of ql[j]); else j + 64, j + 192 of ql[j + 64]
                    int j0 = p & 63, lowShift = p < 64 ? 4 : 2, highShift = p < 64 ? 0 : 2;
                    ShortVector al = ShortVector.zero(S256), ah = al, bl = al, bh = al;
                    int xls = sum8[(xo + p) >> 3], xhs = sum8[(xo + p + 128) >> 3];
                    for (int j = j0; j < j0 + 8; j++) {
                        ShortVector xl = IntVector.broadcast(I256, q[xo + p + j - j0]).reinterpretAsShorts();
                        ShortVector xh = IntVector.broadcast(I256, q[xo + p + j - j0 + 128]).reinterpretAsShorts();
                        long ql = QL + (long) ROWS * (p + j - j0) + r, qh = QH + (long) ROWS * j + r;
                        ByteVector va = ByteVector.fromMemorySegment(B128, w, oa + ql, LE);
                        ByteVector vh = ByteVector.fromMemorySegment(B128, w, oa + qh, LE);
                        ShortVector lo = (ShortVector) va.and((byte) 0xF).or(vh.reinterpretAsShorts().lanewise(VectorOperators.LSHL, lowShift).reinterpretAsBytes().and((byte) 0x30))
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        ShortVector hi = (ShortVector) va.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                                .or(vh.reinterpretAsShorts().lanewise(VectorOperators.LSHR, highShift).reinterpretAsBytes().and((byte) 0x30))
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        al = al.add(lo.mul(xl));
                        ah = ah.add(hi.mul(xh));
                        ByteVector ua = ByteVector.fromMemorySegment(B128, w, ob + ql, LE);
                        ByteVector uh = ByteVector.fromMemorySegment(B128, w, ob + qh, LE);
                        ShortVector ulo = (ShortVector) ua.and((byte) 0xF).or(uh.reinterpretAsShorts().lanewise(VectorOperators.LSHL, lowShift).reinterpretAsBytes().and((byte) 0x30))
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        ShortVector uhi = (ShortVector) ua.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0xF)
                                .or(uh.reinterpretAsShorts().lanewise(VectorOperators.LSHR, highShift).reinterpretAsBytes().and((byte) 0x30))
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        bl = bl.add(ulo.mul(xl));
                        bh = bh.add(uhi.mul(xh));
                    }
                    short cl = (short) (32 * xls), ch = (short) (32 * xhs);
                    al = al.sub(cl);
                    ah = ah.sub(ch);
                    bl = bl.sub(cl);
                    bh = bh.sub(ch);
                    long scl = SCALES + (long) ROWS * (p >> 4) + r, sch = scl + 8 * ROWS;
                    sa0 = sa0.add(((IntVector) al.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, oa + scl, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sa1 = sa1.add(((IntVector) al.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, oa + scl + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sa0 = sa0.add(((IntVector) ah.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, oa + sch, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sa1 = sa1.add(((IntVector) ah.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, oa + sch + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sb0 = sb0.add(((IntVector) bl.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, ob + scl, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sb1 = sb1.add(((IntVector) bl.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, ob + scl + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sb0 = sb0.add(((IntVector) bh.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, ob + sch, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    sb1 = sb1.add(((IntVector) bh.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, ob + sch + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                }
                int pa = outA + r, pb = outB + r;
                ((FloatVector) sa0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, oa + 4L * r, LE).mul(d), FloatVector.fromArray(F256, out, pa)).intoArray(out, pa);
                ((FloatVector) sa1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, oa + 4L * r + 32, LE).mul(d), FloatVector.fromArray(F256, out, pa + 8)).intoArray(out, pa + 8);
                ((FloatVector) sb0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, ob + 4L * r, LE).mul(d), FloatVector.fromArray(F256, out, pb)).intoArray(out, pb);
                ((FloatVector) sb1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F256, w, ob + 4L * r + 32, LE).mul(d), FloatVector.fromArray(F256, out, pb + 8)).intoArray(out, pb + 8);
            }
        }
    }

    /**
     * {@link Q6_KInterleavedDot#group4} in 256-bit vectors: four tokens, one group, each weight vector
     * decoded once for all four; the same arguments, each token's results {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, int[] q, int[] sum8, int qOff, int n, float[] dx, int dOff, int nb,
                       float[] out, int outOff, int outStride) {
        int oa = outOff, ob = outOff + outStride, oc = outOff + 2 * outStride, oe = outOff + 3 * outStride;
        FloatVector zero = FloatVector.zero(F256);
        for (int k = 0; k < 32; k += 8) {
            zero.intoArray(out, oa + k);
            zero.intoArray(out, ob + k);
            zero.intoArray(out, oc + k);
            zero.intoArray(out, oe + k);
        }
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            int xa = qOff + 256 * b, xb = xa + n, xc = xa + 2 * n, xe = xa + 3 * n;
            for (int r = 0; r < 32; r += 16) {
                IntVector sa0 = IntVector.zero(I256), sa1 = sa0, sb0 = sa0, sb1 = sa0, sc0 = sa0, sc1 = sa0, se0 = sa0, se1 = sa0;
                for (int v = 0; v < 256; v += 8) {
                    // values v .. v + 7: low (v < 128) or high nibbles of ql[v % 128], bits 2 (v / 64) of qh[v % 64],
                    // moved to bits 4-5 as in Q6_KInterleavedDot.group4
                    int nibble = v < 128 ? 0 : 4, k = v >> 6, left = k < 2 ? 4 - 2 * k : 0, right = k < 2 ? 0 : 2 * k - 4;
                    ShortVector ta = ShortVector.zero(S256), tb = ta, tc = ta, te = ta;
                    int sxa = sum8[(xa + v) >> 3], sxb = sum8[(xb + v) >> 3], sxc = sum8[(xc + v) >> 3], sxe = sum8[(xe + v) >> 3];
                    for (int i = v; i < v + 8; i++) {
                        ByteVector ql = ByteVector.fromMemorySegment(B128, w, o + QL + (long) ROWS * (i & 127) + r, LE);
                        ByteVector qh = ByteVector.fromMemorySegment(B128, w, o + QH + (long) ROWS * (i & 63) + r, LE);
                        ShortVector u = (ShortVector) ql.reinterpretAsShorts().lanewise(VectorOperators.LSHR, nibble).reinterpretAsBytes().and((byte) 0xF)
                                .or(qh.reinterpretAsShorts().lanewise(VectorOperators.LSHL, left).lanewise(VectorOperators.LSHR, right).reinterpretAsBytes().and((byte) 0x30))
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        ta = ta.add(u.mul(IntVector.broadcast(I256, q[xa + i]).reinterpretAsShorts()));
                        tb = tb.add(u.mul(IntVector.broadcast(I256, q[xb + i]).reinterpretAsShorts()));
                        tc = tc.add(u.mul(IntVector.broadcast(I256, q[xc + i]).reinterpretAsShorts()));
                        te = te.add(u.mul(IntVector.broadcast(I256, q[xe + i]).reinterpretAsShorts()));
                    }
                    ta = ta.sub((short) (32 * sxa));
                    tb = tb.sub((short) (32 * sxb));
                    tc = tc.sub((short) (32 * sxc));
                    te = te.sub((short) (32 * sxe));
                    IntVector k0 = (IntVector) ByteVector.fromMemorySegment(B64, w, o + SCALES + (long) ROWS * (v >> 4) + r, LE).convertShape(VectorOperators.B2I, I256, 0);
                    IntVector k1 = (IntVector) ByteVector.fromMemorySegment(B64, w, o + SCALES + (long) ROWS * (v >> 4) + r + 8, LE).convertShape(VectorOperators.B2I, I256, 0);
                    sa0 = sa0.add(((IntVector) ta.convertShape(VectorOperators.S2I, I256, 0)).mul(k0));
                    sa1 = sa1.add(((IntVector) ta.convertShape(VectorOperators.S2I, I256, 1)).mul(k1));
                    sb0 = sb0.add(((IntVector) tb.convertShape(VectorOperators.S2I, I256, 0)).mul(k0));
                    sb1 = sb1.add(((IntVector) tb.convertShape(VectorOperators.S2I, I256, 1)).mul(k1));
                    sc0 = sc0.add(((IntVector) tc.convertShape(VectorOperators.S2I, I256, 0)).mul(k0));
                    sc1 = sc1.add(((IntVector) tc.convertShape(VectorOperators.S2I, I256, 1)).mul(k1));
                    se0 = se0.add(((IntVector) te.convertShape(VectorOperators.S2I, I256, 0)).mul(k0));
                    se1 = se1.add(((IntVector) te.convertShape(VectorOperators.S2I, I256, 1)).mul(k1));
                }
                FloatVector d0 = FloatVector.fromMemorySegment(F256, w, o + 4L * r, LE), d1 = FloatVector.fromMemorySegment(F256, w, o + 4L * r + 32, LE);
                int da = dOff + b, db = da + nb, dc = da + 2 * nb, de = da + 3 * nb;
                int pa = oa + r, pb = ob + r, pc = oc + r, pe = oe + r;
                // written out per token: a helper taking vectors, if C2 did not inline it, would box them
                ((FloatVector) sa0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[da]), FloatVector.fromArray(F256, out, pa)).intoArray(out, pa);
                ((FloatVector) sa1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[da]), FloatVector.fromArray(F256, out, pa + 8)).intoArray(out, pa + 8);
                ((FloatVector) sb0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[db]), FloatVector.fromArray(F256, out, pb)).intoArray(out, pb);
                ((FloatVector) sb1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[db]), FloatVector.fromArray(F256, out, pb + 8)).intoArray(out, pb + 8);
                ((FloatVector) sc0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[dc]), FloatVector.fromArray(F256, out, pc)).intoArray(out, pc);
                ((FloatVector) sc1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[dc]), FloatVector.fromArray(F256, out, pc + 8)).intoArray(out, pc + 8);
                ((FloatVector) se0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[de]), FloatVector.fromArray(F256, out, pe)).intoArray(out, pe);
                ((FloatVector) se1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[de]), FloatVector.fromArray(F256, out, pe + 8)).intoArray(out, pe + 8);
            }
        }
    }
}
