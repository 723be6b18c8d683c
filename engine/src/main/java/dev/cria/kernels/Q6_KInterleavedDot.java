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
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * Integer dot products of {@link Q6_KInterleaved} row groups with activations quantized to ggml's
 * block_q8_K ({@link Q8Activations#prepare}), as {@code ggml_vec_dot_q6_K_q8_K}: per row and
 * super-block {@code d_w d_x Σ_s sc_s Σ (q - 32) x} over the 16 scale groups, the integer sum
 * exact, then the super-blocks summed in float32 in order.
 *
 * <p>How: a run of 96 bytes ({@link Q6_KInterleaved}'s layout) holds values j, j + 64, j + 128,
 * j + 192 of 32 rows; their 6-bit q are built in bytes with 256-bit operations (three a mask
 * each, the fourth from the three bytes' top 2 bits: 32-bit shifts, the masks drop the bits that
 * cross a byte; C2 gives 32-bit vector shifts an immediate count, where a 16-bit one takes its
 * count in a vector register, one more live register per count or a reload of it in the loop),
 * then widened to 32 int16 lanes (lane = row), multiplied by one broadcast
 * activation value and accumulated lane by lane in int16 over 8 values: then the accumulator less
 * {@code 32 Σ x} ({@link Q8Activations}' sums per 8 values) is {@code Σ (q - 32) x}, at most
 * {@code 8 * 32 * 127 = 32512} in magnitude, exact although the unsigned products' sum may wrap
 * (int16 arithmetic is modulo 2^16; 16 products would not fit, hence two accumulations per group
 * of 16). Each such half group is widened to int32, multiplied by the rows' int8 scales (widened)
 * and added to the super-block's int32 sums; per super-block one conversion and one FMA with
 * {@code d_w * d_x}. The activation values are read as int32 pairs ({@code Q8Activations.pairK}: a
 * value in both halves), so that their broadcast to 32 int16 lanes is a 32-bit broadcast from
 * memory, without a shuffle (7-12% fewer cycles). The kernels read each group's super-block front
 * to back. One thread (Zen 4, 2048 columns), cycles per 32 weights: {@link #groups2} 3.6-3.7 in
 * cache (L2) and 4.3-4.6 streaming from memory (21-23 GB/s, what a plain vector read of the same
 * bytes reaches); the previous layout took 5.0 and 9.5. Four tokens ({@link #group4}) 3.0 per 32
 * products in cache, 4.0 streaming (3.6 and 5.4 before).
 *
 * <p>Every (row, token) is the same float operations in the same order in each kernel here (one
 * group, two groups, four tokens) and in the scalar twin {@link #scalar}; the integer sums are
 * exact whatever their order. So a token's result does not depend on its batch or on how rows are
 * split over threads.
 */
final class Q6_KInterleavedDot {
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;

    private Q6_KInterleavedDot() {
    }

    /**
     * One token, one group at {@code o}: {@code out[outOff + r]} for its 32 rows. Activations: values
     * {@code q[qOff ..]} as int32 pairs ({@code Q8Activations.pairK}), their sums per 8
     * {@code sum8[qOff / 8 ..]}, super-block scales {@code dx[dOff ..]}.
     */
    static void group(MemorySegment w, long o, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb, float[] out, int outOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            IntVector s0 = IntVector.zero(I512), s1 = s0;
            int xo = qOff + 256 * b;
            for (int j0 = 0; j0 < 64; j0 += 8) {
                // values j, j + 64, j + 128, j + 192 (j = j0 .. j0 + 7): scale groups t, t + 4, t + 8, t + 12 of chunk t
                long c = o + CHUNK0 + (long) CHUNK * (j0 >> 4);
                ShortVector a0 = ShortVector.zero(S512), a1 = a0, a2 = a0, a3 = a0;
                int x0s = sum8[(xo + j0) >> 3], x1s = sum8[(xo + j0 + 64) >> 3], x2s = sum8[(xo + j0 + 128) >> 3], x3s = sum8[(xo + j0 + 192) >> 3];
                for (int j = j0; j < j0 + 8; j++) {
                    long r = c + RUN0 + (long) RUN * (j & 15);
                    ByteVector va = ByteVector.fromMemorySegment(B256, w, r, LE);
                    ByteVector vb = ByteVector.fromMemorySegment(B256, w, r + ROWS, LE);
                    ByteVector vc = ByteVector.fromMemorySegment(B256, w, r + 2 * ROWS, LE);
                    // three values one mask each, the fourth from the three bytes' top 2 bits (32-bit shifts, the masks
                    // drop what crosses a byte), then widened to 32 int16 lanes
                    ByteVector qd = va.reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                            .or(vb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                            .or(vc.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                    a0 = a0.add(((ShortVector) va.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(IntVector.broadcast(I512, q[xo + j]).reinterpretAsShorts()));
                    a1 = a1.add(((ShortVector) vb.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(IntVector.broadcast(I512, q[xo + j + 64]).reinterpretAsShorts()));
                    a2 = a2.add(((ShortVector) vc.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(IntVector.broadcast(I512, q[xo + j + 128]).reinterpretAsShorts()));
                    a3 = a3.add(((ShortVector) qd.convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(IntVector.broadcast(I512, q[xo + j + 192]).reinterpretAsShorts()));
                }
                a0 = a0.sub((short) (32 * x0s));
                a1 = a1.sub((short) (32 * x1s));
                a2 = a2.sub((short) (32 * x2s));
                a3 = a3.sub((short) (32 * x3s));
                s0 = s0.add(((IntVector) a0.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s1 = s1.add(((IntVector) a0.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s0 = s0.add(((IntVector) a1.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s1 = s1.add(((IntVector) a1.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s0 = s0.add(((IntVector) a2.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + 2 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s1 = s1.add(((IntVector) a2.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + 2 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s0 = s0.add(((IntVector) a3.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + 3 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                s1 = s1.add(((IntVector) a3.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, c + 3 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
            }
            float d = dx[dOff + b];
            acc0 = ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o, LE).mul(d), acc0);
            acc1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o + 64, LE).mul(d), acc1);
        }
        acc0.intoArray(out, outOff);
        acc1.intoArray(out, outOff + 16);
    }


    /**
     * One token, two groups at {@code oa} and {@code ob} sharing each activation broadcast: two memory
     * streams in flight (far apart in memory, the caller's choice). Each group's results are
     * {@link #group}'s.
     */
    static void groups2(MemorySegment w, long oa, long ob, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb,
                        float[] out, int outA, int outB) {
        FloatVector fa0 = FloatVector.zero(F), fa1 = fa0, fb0 = fa0, fb1 = fa0;
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            IntVector sa0 = IntVector.zero(I512), sa1 = sa0, sb0 = sa0, sb1 = sa0;
            int xo = qOff + 256 * b;
            for (int j0 = 0; j0 < 64; j0 += 8) {
                long c = CHUNK0 + (long) CHUNK * (j0 >> 4);
                ShortVector a0 = ShortVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                for (int j = j0; j < j0 + 8; j++) {
                    long r = c + RUN0 + (long) RUN * (j & 15);
                    ShortVector x0 = IntVector.broadcast(I512, q[xo + j]).reinterpretAsShorts();
                    ShortVector x1 = IntVector.broadcast(I512, q[xo + j + 64]).reinterpretAsShorts();
                    ShortVector x2 = IntVector.broadcast(I512, q[xo + j + 128]).reinterpretAsShorts();
                    ShortVector x3 = IntVector.broadcast(I512, q[xo + j + 192]).reinterpretAsShorts();
                    ByteVector va = ByteVector.fromMemorySegment(B256, w, oa + r, LE);
                    ByteVector vb = ByteVector.fromMemorySegment(B256, w, oa + r + ROWS, LE);
                    ByteVector vc = ByteVector.fromMemorySegment(B256, w, oa + r + 2 * ROWS, LE);
                    ByteVector vd = va.reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                            .or(vb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                            .or(vc.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                    a0 = a0.add(((ShortVector) va.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x0));
                    a1 = a1.add(((ShortVector) vb.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x1));
                    a2 = a2.add(((ShortVector) vc.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x2));
                    a3 = a3.add(((ShortVector) vd.convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x3));
                    ByteVector ua = ByteVector.fromMemorySegment(B256, w, ob + r, LE);
                    ByteVector ub = ByteVector.fromMemorySegment(B256, w, ob + r + ROWS, LE);
                    ByteVector uc = ByteVector.fromMemorySegment(B256, w, ob + r + 2 * ROWS, LE);
                    ByteVector ud = ua.reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                            .or(ub.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                            .or(uc.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                    b0 = b0.add(((ShortVector) ua.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x0));
                    b1 = b1.add(((ShortVector) ub.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x1));
                    b2 = b2.add(((ShortVector) uc.and((byte) 0x3F).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x2));
                    b3 = b3.add(((ShortVector) ud.convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0)).mul(x3));
                }
                short c0 = (short) (32 * sum8[(xo + j0) >> 3]), c1 = (short) (32 * sum8[(xo + j0 + 64) >> 3]);
                short c2 = (short) (32 * sum8[(xo + j0 + 128) >> 3]), c3 = (short) (32 * sum8[(xo + j0 + 192) >> 3]);
                a0 = a0.sub(c0);
                a1 = a1.sub(c1);
                a2 = a2.sub(c2);
                a3 = a3.sub(c3);
                b0 = b0.sub(c0);
                b1 = b1.sub(c1);
                b2 = b2.sub(c2);
                b3 = b3.sub(c3);
                sa0 = sa0.add(((IntVector) a0.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa1 = sa1.add(((IntVector) a0.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa0 = sa0.add(((IntVector) a1.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa1 = sa1.add(((IntVector) a1.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa0 = sa0.add(((IntVector) a2.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + 2 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa1 = sa1.add(((IntVector) a2.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + 2 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa0 = sa0.add(((IntVector) a3.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + 3 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sa1 = sa1.add(((IntVector) a3.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + c + 3 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb0 = sb0.add(((IntVector) b0.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb1 = sb1.add(((IntVector) b0.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb0 = sb0.add(((IntVector) b1.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb1 = sb1.add(((IntVector) b1.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb0 = sb0.add(((IntVector) b2.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + 2 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb1 = sb1.add(((IntVector) b2.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + 2 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb0 = sb0.add(((IntVector) b3.convertShape(VectorOperators.S2I, I512, 0)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + 3 * ROWS, LE).convertShape(VectorOperators.B2I, I512, 0)));
                sb1 = sb1.add(((IntVector) b3.convertShape(VectorOperators.S2I, I512, 1)).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + c + 3 * ROWS + 16, LE).convertShape(VectorOperators.B2I, I512, 0)));
            }
            float d = dx[dOff + b];
            fa0 = ((FloatVector) sa0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa, LE).mul(d), fa0);
            fa1 = ((FloatVector) sa1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa + 64, LE).mul(d), fa1);
            fb0 = ((FloatVector) sb0.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob, LE).mul(d), fb0);
            fb1 = ((FloatVector) sb1.convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob + 64, LE).mul(d), fb1);
        }
        fa0.intoArray(out, outA);
        fa1.intoArray(out, outA + 16);
        fb0.intoArray(out, outB);
        fb1.intoArray(out, outB + 16);
    }


    /**
     * Four tokens, one group at {@code o}: each weight vector decoded and widened once for all four.
     * Token t's values (pairs) start at {@code q[qOff + t * n]}, its sums per 8 at
     * {@code sum8[(qOff + t * n) / 8]}, its super-block scales at
     * {@code dx[dOff + t * nb]}, its results go to {@code out[outOff + t * outStride ..]}. One value
     * of a run's four per pass (the run's bytes are in L1 after the first); the float accumulators
     * live in {@code out}. Each token's results are {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, int[] q, int[] sum8, int qOff, int n, float[] dx, int dOff, int nb,
                       float[] out, int outOff, int outStride) {
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
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            IntVector sa0 = IntVector.zero(I512), sa1 = sa0, sb0 = sa0, sb1 = sa0, sc0 = sa0, sc1 = sa0, se0 = sa0, se1 = sa0;
            int xa = qOff + 256 * b, xb = xa + n, xc = xa + 2 * n, xe = xa + 3 * n;
            for (int p = 0; p < 32; p++) {
                // values v .. v + 7 (v = 64k + j0): k < 3 byte k of runs j0 .. j0 + 7, masked; k = 3 the top 2 bits of all three
                int j0 = 8 * (p >> 2), k = p & 3, v = 64 * k + j0;
                long c = o + CHUNK0 + (long) CHUNK * (j0 >> 4);
                ShortVector ta = ShortVector.zero(S512), tb = ta, tc = ta, te = ta;
                for (int j = j0; j < j0 + 8; j++) {
                    long r = c + RUN0 + (long) RUN * (j & 15);
                    ByteVector u8;
                    if (k < 3) {
                        u8 = ByteVector.fromMemorySegment(B256, w, r + (long) ROWS * k, LE).and((byte) 0x3F);
                    } else {
                        u8 = ByteVector.fromMemorySegment(B256, w, r, LE).reinterpretAsInts().lanewise(VectorOperators.LSHR, 6).reinterpretAsBytes().and((byte) 0x03)
                                .or(ByteVector.fromMemorySegment(B256, w, r + ROWS, LE).reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0C))
                                .or(ByteVector.fromMemorySegment(B256, w, r + 2 * ROWS, LE).reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30));
                    }
                    ShortVector u = (ShortVector) u8.convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                    int i = v + j - j0;
                    ta = ta.add(u.mul(IntVector.broadcast(I512, q[xa + i]).reinterpretAsShorts()));
                    tb = tb.add(u.mul(IntVector.broadcast(I512, q[xb + i]).reinterpretAsShorts()));
                    tc = tc.add(u.mul(IntVector.broadcast(I512, q[xc + i]).reinterpretAsShorts()));
                    te = te.add(u.mul(IntVector.broadcast(I512, q[xe + i]).reinterpretAsShorts()));
                }
                ta = ta.sub((short) (32 * sum8[(xa + v) >> 3]));
                tb = tb.sub((short) (32 * sum8[(xb + v) >> 3]));
                tc = tc.sub((short) (32 * sum8[(xc + v) >> 3]));
                te = te.sub((short) (32 * sum8[(xe + v) >> 3]));
                IntVector k0 = (IntVector) ByteVector.fromMemorySegment(B128, w, c + (long) ROWS * k, LE).convertShape(VectorOperators.B2I, I512, 0);
                IntVector k1 = (IntVector) ByteVector.fromMemorySegment(B128, w, c + (long) ROWS * k + 16, LE).convertShape(VectorOperators.B2I, I512, 0);
                sa0 = sa0.add(((IntVector) ta.convertShape(VectorOperators.S2I, I512, 0)).mul(k0));
                sa1 = sa1.add(((IntVector) ta.convertShape(VectorOperators.S2I, I512, 1)).mul(k1));
                sb0 = sb0.add(((IntVector) tb.convertShape(VectorOperators.S2I, I512, 0)).mul(k0));
                sb1 = sb1.add(((IntVector) tb.convertShape(VectorOperators.S2I, I512, 1)).mul(k1));
                sc0 = sc0.add(((IntVector) tc.convertShape(VectorOperators.S2I, I512, 0)).mul(k0));
                sc1 = sc1.add(((IntVector) tc.convertShape(VectorOperators.S2I, I512, 1)).mul(k1));
                se0 = se0.add(((IntVector) te.convertShape(VectorOperators.S2I, I512, 0)).mul(k0));
                se1 = se1.add(((IntVector) te.convertShape(VectorOperators.S2I, I512, 1)).mul(k1));
            }
            FloatVector d0 = FloatVector.fromMemorySegment(F, w, o, LE), d1 = FloatVector.fromMemorySegment(F, w, o + 64, LE);
            int da = dOff + b, db = da + nb, dc = da + 2 * nb, de = da + 3 * nb;
            // written out per token: a helper taking vectors, if C2 did not inline it, would box them
            ((FloatVector) sa0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[da]), FloatVector.fromArray(F, out, oa)).intoArray(out, oa);
            ((FloatVector) sa1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[da]), FloatVector.fromArray(F, out, oa + 16)).intoArray(out, oa + 16);
            ((FloatVector) sb0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[db]), FloatVector.fromArray(F, out, ob)).intoArray(out, ob);
            ((FloatVector) sb1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[db]), FloatVector.fromArray(F, out, ob + 16)).intoArray(out, ob + 16);
            ((FloatVector) sc0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[dc]), FloatVector.fromArray(F, out, oc)).intoArray(out, oc);
            ((FloatVector) sc1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[dc]), FloatVector.fromArray(F, out, oc + 16)).intoArray(out, oc + 16);
            ((FloatVector) se0.convert(VectorOperators.I2F, 0)).fma(d0.mul(dx[de]), FloatVector.fromArray(F, out, oe)).intoArray(out, oe);
            ((FloatVector) se1.convert(VectorOperators.I2F, 0)).fma(d1.mul(dx[de]), FloatVector.fromArray(F, out, oe + 16)).intoArray(out, oe + 16);
        }
    }


    /**
     * The scalar twin of {@link #group}: the same exact integer sum per row and super-block and the
     * same float32 operations in the same order ({@code acc = fma(float(S), d_w * d_x, acc)}).
     */
    static void scalar(MemorySegment w, long o, short[] q, int qOff, float[] dx, int dOff, int nb, float[] out, int outOff) {
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            long ob = o;
            for (int b = 0; b < nb; b++, ob += GROUP_BLOCK_BYTES) {
                int s = 0;
                for (int g = 0; g < 16; g++) {
                    int gs = 0;
                    for (int i = 16 * g; i < 16 * g + 16; i++) gs += (Q6_KInterleaved.q(w, ob, r, i) - 32) * q[qOff + 256 * b + i];
                    s += WeightBytes.i8(w, ob + Q6_KInterleaved.scales(g) + r) * gs;
                }
                float dw = w.get(WeightBytes.F32, ob + 4L * r);
                acc = Math.fma((float) s, dw * dx[dOff + b], acc);
            }
            out[outOff + r] = acc;
        }
    }
}
