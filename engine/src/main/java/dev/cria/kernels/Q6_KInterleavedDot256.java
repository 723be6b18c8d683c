package dev.cria.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.Q6_KInterleaved.CHUNK;
import static dev.cria.kernels.Q6_KInterleaved.CHUNK0;
import static dev.cria.kernels.Q6_KInterleaved.GROUP_BLOCK_BYTES;
import static dev.cria.kernels.Q6_KInterleaved.ROWS;
import static dev.cria.kernels.Q6_KInterleaved.RUN;
import static dev.cria.kernels.Q6_KInterleaved.RUN0;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * {@link Q6_KInterleavedDot} in 256-bit vectors (AVX2, no AVX-512): the same layout
 * ({@link Q6_KInterleaved}, 32 rows per group), the same activations ({@code Q8Activations.pairK},
 * {@code sum8K}, block_q8_K scales) and the same results bit for bit, as
 * {@code ggml_vec_dot_q6_K_q8_K}.
 *
 * <p>How: a group is two halves of 16 rows, taken one after the other within each super-block. The
 * 6-bit q of 16 rows is read from 16-byte loads of a run's three bytes (three values one mask each,
 * the fourth from their top bits with 32-bit shifts and masks, as the 512-bit kernel: an immediate
 * shift count; under {@code -XX:UseAVX=2}, one thread, 2048 columns, 2.20 -> 2.06 ns per 32 weights
 * in L2 and 2.66-2.72 -> 2.48 from DRAM against 16-bit shifts), widened to 16 int16 lanes
 * (lane = row), multiplied by the broadcast activation value (a 32-bit broadcast of a pair) and
 * accumulated in int16 over 8 values; less {@code 32 Σ x} that is {@code Σ (q - 32) x}, exact (see
 * {@link Q6_KInterleavedDot}). Those sums times the rows' int8 scales add up in 8-lane int32 vectors,
 * and per super-block and lane one conversion and one FMA with {@code d_w * d_x}, the 512-bit
 * kernel's float operations; the float accumulators live in {@code out} (L1): AVX2 has 16 vector
 * registers.
 *
 * <p>Measured on the earlier ql/qh layout of {@link Q6_KInterleaved} (not re-measured since), in cache, one thread, Zen 4 under {@code -XX:UseAVX=2} (cycles per 32 weights, per
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
                    long c = o + CHUNK0 + (long) CHUNK * (j0 >> 4);
                    for (int j = j0; j < j0 + 8; j++) {
                        long run = c + RUN0 + (long) RUN * (j & 15) + r;
                        ByteVector va = ByteVector.fromMemorySegment(B128, w, run, LE);
                        ByteVector vb = ByteVector.fromMemorySegment(B128, w, run + ROWS, LE);
                        ByteVector vc = ByteVector.fromMemorySegment(B128, w, run + 2 * ROWS, LE);
                        ByteVector qd = va.reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                                .or(vb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                                .or(vc.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                        a0 = a0.add(((ShortVector) va.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j]).reinterpretAsShorts()));
                        a1 = a1.add(((ShortVector) vb.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 64]).reinterpretAsShorts()));
                        a2 = a2.add(((ShortVector) vc.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 128]).reinterpretAsShorts()));
                        a3 = a3.add(((ShortVector) qd.convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0)).mul(IntVector.broadcast(I256, q[xo + j + 192]).reinterpretAsShorts()));
                    }
                    a0 = a0.sub((short) (32 * x0s));
                    a1 = a1.sub((short) (32 * x1s));
                    a2 = a2.sub((short) (32 * x2s));
                    a3 = a3.sub((short) (32 * x3s));
                    long sc = c + r; // scales of groups j0 / 16 + 0, 4, 8, 12: ROWS apart in the chunk
                    s0 = s0.add(((IntVector) a0.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a0.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a1.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 1 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a1.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 1 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a2.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 2 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a2.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 2 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s0 = s0.add(((IntVector) a3.convertShape(VectorOperators.S2I, I256, 0)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 3 * ROWS, LE).convertShape(VectorOperators.B2I, I256, 0)));
                    s1 = s1.add(((IntVector) a3.convertShape(VectorOperators.S2I, I256, 1)).mul((IntVector) ByteVector.fromMemorySegment(B64, w, sc + 3 * ROWS + 8, LE).convertShape(VectorOperators.B2I, I256, 0)));
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
        // one group after the other, each exactly group's; sharing the activation broadcasts between the two, as
        // the 512-bit groups2 does, is not done at this width
        group(w, oa, q, sum8, qOff, dx, dOff, nb, out, outA);
        group(w, ob, q, sum8, qOff, dx, dOff, nb, out, outB);
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
                    // values v .. v + 7, all in run j = v % 64 .. + 7 of one chunk: byte k = v / 64 of each run
                    // (bits 0-5), or for k = 3 the top two bits of its three bytes (as Q6_KInterleavedDot.group4)
                    int k = v >> 6;
                    long c = o + CHUNK0 + (long) CHUNK * ((v & 63) >> 4) + r;
                    ShortVector ta = ShortVector.zero(S256), tb = ta, tc = ta, te = ta;
                    int sxa = sum8[(xa + v) >> 3], sxb = sum8[(xb + v) >> 3], sxc = sum8[(xc + v) >> 3], sxe = sum8[(xe + v) >> 3];
                    for (int i = v; i < v + 8; i++) {
                        long run = c + RUN0 + (long) RUN * (i & 15);
                        ShortVector u;
                        if (k < 3) {
                            u = (ShortVector) ByteVector.fromMemorySegment(B128, w, run + (long) ROWS * k, LE).and((byte) 0x3F)
                                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        } else {
                            ByteVector va = ByteVector.fromMemorySegment(B128, w, run, LE);
                            ByteVector vb = ByteVector.fromMemorySegment(B128, w, run + ROWS, LE);
                            ByteVector vc = ByteVector.fromMemorySegment(B128, w, run + 2 * ROWS, LE);
                            u = (ShortVector) va.reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                                    .or(vb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                                    .or(vc.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30))
                                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                        }
                        ta = ta.add(u.mul(IntVector.broadcast(I256, q[xa + i]).reinterpretAsShorts()));
                        tb = tb.add(u.mul(IntVector.broadcast(I256, q[xb + i]).reinterpretAsShorts()));
                        tc = tc.add(u.mul(IntVector.broadcast(I256, q[xc + i]).reinterpretAsShorts()));
                        te = te.add(u.mul(IntVector.broadcast(I256, q[xe + i]).reinterpretAsShorts()));
                    }
                    ta = ta.sub((short) (32 * sxa));
                    tb = tb.sub((short) (32 * sxb));
                    tc = tc.sub((short) (32 * sxc));
                    te = te.sub((short) (32 * sxe));
                    IntVector k0 = (IntVector) ByteVector.fromMemorySegment(B64, w, o + Q6_KInterleaved.scales(v >> 4) + r, LE).convertShape(VectorOperators.B2I, I256, 0);
                    IntVector k1 = (IntVector) ByteVector.fromMemorySegment(B64, w, o + Q6_KInterleaved.scales(v >> 4) + r + 8, LE).convertShape(VectorOperators.B2I, I256, 0);
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
