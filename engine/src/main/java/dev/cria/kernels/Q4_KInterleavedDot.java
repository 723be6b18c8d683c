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
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * Integer dot products of {@link Q4_KInterleaved} row groups with activations quantized to
 * block_q8_0, one scale per 32 values ({@link Q8Activations#prepareRows}): the Q4_K sub-block size,
 * where ggml pairs Q4_K with block_q8_K (one scale per 256 values), so each sub-block's activations
 * get a scale fitted to them. Per row and super-block the value is
 * <pre>
 *   d_w Σ_s dx_s (sc_s S_s)  -  dmin_w Σ_s dx_s (m_s Q_s)
 * </pre>
 * with {@code S_s} the exact integer dot of sub-block s (32 values), {@code Q_s} the sum of its 32
 * activation values and {@code dx_s} its activation scale; {@code sc_s S_s} is exact in float32
 * ({@code |sc S| <= 63 * 32 * 15 * 127 < 2^24}). The mins' coefficients {@code c_s = -(dx_s Q_s)}
 * come with the activations ({@code mx}, {@link Q8Activations#minR}), computed once per token and
 * block rather than in every group's kernel.
 *
 * <p>How: the 32 bytes {@code qs[k]} of a group's super-block are widened to 32 int16 lanes
 * (lane = row). For each of the 4 runs of 32 bytes (k = 32t + l) and each half (l = 0..15,
 * 16..31), the low nibbles times activation value 64t + l (broadcast) and the high nibbles times
 * value 64t + 32 + l accumulate lane by lane in two int16 vectors (each sum at most
 * {@code 16 * 15 * 127 = 30480}: exact; 32 products would not fit). The two halves' sums are
 * widened to int32 and added in a scratch array: {@code S_2t} (low nibbles) and {@code S_2t+1}
 * (high nibbles) of the 32 rows. {@link #group4} takes each sub-block's 32 values at once instead,
 * its int16 sums started at {@code -8 Σ q_x} of the sub-block: every partial sum is then
 * {@code Σ_{i<=l} (q_i - 8) x_i - 8 Σ_{i>l} x_i}, 32 terms of at most 1016, so within int16, and
 * after one widening per sub-block the offset is added back (docs/benchmarks.md, "What made each
 * kernel fast"). At the end of the super-block, per row, in this order and in every kernel here
 * ({@code c_s = -(dx_s * Q_s)}, a float32 per token and sub-block):
 * <pre>
 *   fi = 0; for s = 0 .. 7: fi = fma((float) (sc_s * S_s), dx_s, fi)
 *   fm = 0; for s = 0 .. 7: fm = fma((float) m_s,          c_s,  fm)
 *   acc = fma(fi, d_w,    acc)
 *   acc = fma(fm, dmin_w, acc)
 * </pre>
 * Every (row, token) is the same operations in the same order in each kernel (one group, two
 * groups, four tokens) and in the scalar twin {@link #scalar}, so a token's result does not depend
 * on its batch or on how groups are split over threads.
 *
 * <p>Vectors are never passed to helper methods (if C2 did not inline one, it would box them); the
 * sub-block sums and the float accumulators between super-blocks live in memory (L1). The float
 * work after a super-block's quants is a loop over the sub-blocks; in {@link #groups2} it runs the
 * eight (group, half) accumulators side by side, each activation scale broadcast once (one thread,
 * 2048 columns: 0.85-0.90 -> 0.82-0.88 ns per 32 weights in L2, 1.30-1.36 -> 1.15-1.19 from DRAM).
 * That written-out form was as large as C2 allows: with the mins' coefficients still computed in the
 * kernel, C2 stopped inlining ({@code NodeCountInliningCutoff}) and left {@code ShortVector.add} out
 * of line in half the JVMs (25x slower); today's form compiled fast in every JVM tried (8 probe JVMs,
 * 6 JMH forks, 8 {@code bin/jit-stability} runs). {@link #group4} multiplies {@code S_s} by
 * {@code sc_s} in float in its fold ({@code (float) S_s * (float) sc_s}: the same value, exact), so
 * one vector conversion of the scales serves the four tokens and no int32 multiply is left (JMH
 * {@code matmulUpBatch16Q8}, one thread: 6.3-6.6 against 6.9-8.4 ms/op; the 256-bit kernel measured
 * no gain from the same change and keeps the int32 multiply).
 */
final class Q4_KInterleavedDot {
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /**
     * Ints of the kernels' scratch: the super-block's sub-block sums {@code S_s}, for up to 4 tokens
     * (or 2 groups) x 8 sub-blocks x 32 rows; at {@code 256 k + 32 s + r}.
     */
    static final int SCRATCH = 4 * 8 * ROWS;
    /** Values per activation block (block_q8_0), a Q4_K sub-block. */
    static final int QB = 32;

    private Q4_KInterleavedDot() {
    }

    /**
     * One token, one group at {@code o}: {@code out[outOff + r]} for its 32 rows. Activations:
     * values {@code q[qOff ..]}, block scales {@code dx[dOff ..]} and the mins' coefficients
     * {@code -dx Σ q} per block {@code mx[dOff ..]} (one per 32 values); {@code sums} is scratch of
     * {@value #SCRATCH} ints.
     */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, float[] mx, int dOff, int nb, float[] out, int outOff, int[] sums) {
        FloatVector zero = FloatVector.zero(F);
        zero.intoArray(out, outOff);
        zero.intoArray(out, outOff + 16);
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) {
                int sb = 64 * t;
                for (int h = 0; h < 2; h++) {
                    ShortVector lo = ShortVector.zero(S512), hi = lo;
                    long qo = o + QUANTS + (long) ROWS * (32 * t + 16 * h);
                    int xo = qOff + QK * b + 64 * t + 16 * h;
                    for (int l = 0; l < 16; l++) {
                        ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, qo + (long) ROWS * l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                        lo = lo.add(v.and((short) 0xF).mul(q[xo + l]));
                        hi = hi.add(v.lanewise(VectorOperators.LSHR, 4).mul(q[xo + 32 + l]));
                    }
                    if (h == 0) {
                        ((IntVector) lo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 0);
                        ((IntVector) lo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 16);
                        ((IntVector) hi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 32);
                        ((IntVector) hi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 48);
                    } else {
                        IntVector.fromArray(I512, sums, sb + 0).add((IntVector) lo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 0);
                        IntVector.fromArray(I512, sums, sb + 16).add((IntVector) lo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 16);
                        IntVector.fromArray(I512, sums, sb + 32).add((IntVector) hi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 32);
                        IntVector.fromArray(I512, sums, sb + 48).add((IntVector) hi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 48);
                    }
                }
            }
            int x0 = dOff + 8 * b;
            long og = o;
            for (int i = 0; i < 2; i++) {
                int half = i & 1;
                long ws = og + 16 * half;
                FloatVector fi = zero, fm = zero;
                for (int s = 0; s < 8; s++) {
                    fi = ((FloatVector) IntVector.fromArray(I512, sums, 0 + 32 * s + 16 * half).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ws + SCALES + (long) ROWS * s, LE).convertShape(VectorOperators.B2I, I512, 0))
                            .convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F, dx[x0 + s]), fi);
                    fm = ((FloatVector) ByteVector.fromMemorySegment(B128, w, ws + MINS + (long) ROWS * s, LE).convertShape(VectorOperators.B2F, F, 0))
                            .fma(FloatVector.broadcast(F, mx[x0 + s]), fm);
                }
                int oo = outOff + 16 * half;
                FloatVector acc = fi.fma(FloatVector.fromMemorySegment(F, w, og + D + 64 * half, LE), FloatVector.fromArray(F, out, oo));
                fm.fma(FloatVector.fromMemorySegment(F, w, og + DMIN + 64 * half, LE), acc).intoArray(out, oo);
            }
        }
    }

    /**
     * One token, two groups at {@code oa} and {@code ob} sharing each activation broadcast: two
     * memory streams in flight (far apart in memory, the caller's choice). Each group's results are
     * {@link #group}'s; {@code sums} is scratch of {@value #SCRATCH} ints.
     */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, float[] mx, int dOff, int nb,
                        float[] out, int outA, int outB, int[] sums) {
        FloatVector zero = FloatVector.zero(F);
        zero.intoArray(out, outA);
        zero.intoArray(out, outA + 16);
        zero.intoArray(out, outB);
        zero.intoArray(out, outB + 16);
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) {
                int sb = 64 * t;
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
                    if (h == 0) {
                        ((IntVector) alo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 0);
                        ((IntVector) alo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 16);
                        ((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 32);
                        ((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 48);
                        ((IntVector) blo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, 256 + sb + 0);
                        ((IntVector) blo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, 256 + sb + 16);
                        ((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, 256 + sb + 32);
                        ((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, 256 + sb + 48);
                    } else {
                        IntVector.fromArray(I512, sums, sb + 0).add((IntVector) alo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 0);
                        IntVector.fromArray(I512, sums, sb + 16).add((IntVector) alo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 16);
                        IntVector.fromArray(I512, sums, sb + 32).add((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, sb + 32);
                        IntVector.fromArray(I512, sums, sb + 48).add((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, sb + 48);
                        IntVector.fromArray(I512, sums, 256 + sb + 0).add((IntVector) blo.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, 256 + sb + 0);
                        IntVector.fromArray(I512, sums, 256 + sb + 16).add((IntVector) blo.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, 256 + sb + 16);
                        IntVector.fromArray(I512, sums, 256 + sb + 32).add((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 0)).intoArray(sums, 256 + sb + 32);
                        IntVector.fromArray(I512, sums, 256 + sb + 48).add((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 1)).intoArray(sums, 256 + sb + 48);
                    }
                }
            }
            int x0 = dOff + 8 * b;
            FloatVector fa0 = zero, fa1 = zero, fb0 = zero, fb1 = zero, ma0 = zero, ma1 = zero, mb0 = zero, mb1 = zero;
            for (int s = 0; s < 8; s++) {
                FloatVector d = FloatVector.broadcast(F, dx[x0 + s]), c = FloatVector.broadcast(F, mx[x0 + s]);
                long so = SCALES + (long) ROWS * s, mo = MINS + (long) ROWS * s;
                fa0 = ((FloatVector) IntVector.fromArray(I512, sums, 32 * s).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so, LE).convertShape(VectorOperators.B2I, I512, 0))
                        .convert(VectorOperators.I2F, 0)).fma(d, fa0);
                fa1 = ((FloatVector) IntVector.fromArray(I512, sums, 32 * s + 16).mul((IntVector) ByteVector.fromMemorySegment(B128, w, oa + so + 16, LE).convertShape(VectorOperators.B2I, I512, 0))
                        .convert(VectorOperators.I2F, 0)).fma(d, fa1);
                fb0 = ((FloatVector) IntVector.fromArray(I512, sums, 256 + 32 * s).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so, LE).convertShape(VectorOperators.B2I, I512, 0))
                        .convert(VectorOperators.I2F, 0)).fma(d, fb0);
                fb1 = ((FloatVector) IntVector.fromArray(I512, sums, 256 + 32 * s + 16).mul((IntVector) ByteVector.fromMemorySegment(B128, w, ob + so + 16, LE).convertShape(VectorOperators.B2I, I512, 0))
                        .convert(VectorOperators.I2F, 0)).fma(d, fb1);
                ma0 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, oa + mo, LE).convertShape(VectorOperators.B2F, F, 0)).fma(c, ma0);
                ma1 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, oa + mo + 16, LE).convertShape(VectorOperators.B2F, F, 0)).fma(c, ma1);
                mb0 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, ob + mo, LE).convertShape(VectorOperators.B2F, F, 0)).fma(c, mb0);
                mb1 = ((FloatVector) ByteVector.fromMemorySegment(B128, w, ob + mo + 16, LE).convertShape(VectorOperators.B2F, F, 0)).fma(c, mb1);
            }
            ma0.fma(FloatVector.fromMemorySegment(F, w, oa + DMIN, LE), fa0.fma(FloatVector.fromMemorySegment(F, w, oa + D, LE), FloatVector.fromArray(F, out, outA))).intoArray(out, outA);
            ma1.fma(FloatVector.fromMemorySegment(F, w, oa + DMIN + 64, LE), fa1.fma(FloatVector.fromMemorySegment(F, w, oa + D + 64, LE), FloatVector.fromArray(F, out, outA + 16))).intoArray(out, outA + 16);
            mb0.fma(FloatVector.fromMemorySegment(F, w, ob + DMIN, LE), fb0.fma(FloatVector.fromMemorySegment(F, w, ob + D, LE), FloatVector.fromArray(F, out, outB))).intoArray(out, outB);
            mb1.fma(FloatVector.fromMemorySegment(F, w, ob + DMIN + 64, LE), fb1.fma(FloatVector.fromMemorySegment(F, w, ob + D + 64, LE), FloatVector.fromArray(F, out, outB + 16))).intoArray(out, outB + 16);
        }
    }

    /**
     * Four tokens, one group at {@code o}: each weight vector widened once for all four. Token k's
     * values start at {@code q[qOff + k * n]}, its block scales and mins' coefficients at {@code dOff + k * n / 32},
     * its results go to {@code out[outOff + k * outStride ..]}; {@code sums} is scratch of
     * {@value #SCRATCH} ints. Each token's results are {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, float[] mx, int[] bias, int dOff, int nb,
                       float[] out, int outOff, int outStride, int[] sums) {
        // Three methods, none taking a vector: as one, C2 left some of its vector operations out of
        // line in some JVMs (the int loads of the sums allocated, pp512 at a third of the rate).
        FloatVector zero = FloatVector.zero(F);
        for (int k = 0; k < 4; k++) {
            zero.intoArray(out, outOff + k * outStride);
            zero.intoArray(out, outOff + k * outStride + 16);
        }
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            for (int t = 0; t < 4; t++) products4(w, o, q, qOff, n, bias, dOff, b, t, sums);
            finish4(w, o, dx, mx, dOff, n, b, out, outOff, outStride, sums);
        }
    }

    /**
     * {@link #group4}'s integer part for sub-blocks 2t (low nibbles) and 2t + 1 (high nibbles) of
     * block b: the four tokens' exact sums {@code S_s} into {@code sums} ({@link #finish4} applies the
     * rows' scales). Each sub-block's 32 products accumulate in int16 from {@code -8 Σ q_x}
     * ({@code bias}; see the class comment for why no partial sum leaves int16); widened to int32,
     * the {@code 8 Σ q_x} is added back.
     */
    private static void products4(MemorySegment w, long o, short[] q, int qOff, int n, int[] bias, int dOff, int b, int t, int[] sums) {
        int sb = 64 * t;
        long qo = o + QUANTS + (long) ROWS * (32 * t);
        int xa = qOff + QK * b + 64 * t, xb = xa + n, xc = xa + 2 * n, xe = xa + 3 * n;
        int nx = n / QB, ka = dOff + 8 * b + 2 * t, kb = ka + nx, kc = ka + 2 * nx, ke = ka + 3 * nx;
        ShortVector alo = ShortVector.broadcast(S512, (short) -bias[ka]), ahi = ShortVector.broadcast(S512, (short) -bias[ka + 1]),
                blo = ShortVector.broadcast(S512, (short) -bias[kb]), bhi = ShortVector.broadcast(S512, (short) -bias[kb + 1]),
                clo = ShortVector.broadcast(S512, (short) -bias[kc]), chi = ShortVector.broadcast(S512, (short) -bias[kc + 1]),
                elo = ShortVector.broadcast(S512, (short) -bias[ke]), ehi = ShortVector.broadcast(S512, (short) -bias[ke + 1]);
        for (int l = 0; l < 32; l++) {
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
        ((IntVector) alo.convertShape(VectorOperators.S2I, I512, 0)).add(bias[ka]).intoArray(sums, sb + 0);
        ((IntVector) alo.convertShape(VectorOperators.S2I, I512, 1)).add(bias[ka]).intoArray(sums, sb + 16);
        ((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 0)).add(bias[ka + 1]).intoArray(sums, sb + 32);
        ((IntVector) ahi.convertShape(VectorOperators.S2I, I512, 1)).add(bias[ka + 1]).intoArray(sums, sb + 48);
        ((IntVector) blo.convertShape(VectorOperators.S2I, I512, 0)).add(bias[kb]).intoArray(sums, 256 + sb + 0);
        ((IntVector) blo.convertShape(VectorOperators.S2I, I512, 1)).add(bias[kb]).intoArray(sums, 256 + sb + 16);
        ((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 0)).add(bias[kb + 1]).intoArray(sums, 256 + sb + 32);
        ((IntVector) bhi.convertShape(VectorOperators.S2I, I512, 1)).add(bias[kb + 1]).intoArray(sums, 256 + sb + 48);
        ((IntVector) clo.convertShape(VectorOperators.S2I, I512, 0)).add(bias[kc]).intoArray(sums, 512 + sb + 0);
        ((IntVector) clo.convertShape(VectorOperators.S2I, I512, 1)).add(bias[kc]).intoArray(sums, 512 + sb + 16);
        ((IntVector) chi.convertShape(VectorOperators.S2I, I512, 0)).add(bias[kc + 1]).intoArray(sums, 512 + sb + 32);
        ((IntVector) chi.convertShape(VectorOperators.S2I, I512, 1)).add(bias[kc + 1]).intoArray(sums, 512 + sb + 48);
        ((IntVector) elo.convertShape(VectorOperators.S2I, I512, 0)).add(bias[ke]).intoArray(sums, 768 + sb + 0);
        ((IntVector) elo.convertShape(VectorOperators.S2I, I512, 1)).add(bias[ke]).intoArray(sums, 768 + sb + 16);
        ((IntVector) ehi.convertShape(VectorOperators.S2I, I512, 0)).add(bias[ke + 1]).intoArray(sums, 768 + sb + 32);
        ((IntVector) ehi.convertShape(VectorOperators.S2I, I512, 1)).add(bias[ke + 1]).intoArray(sums, 768 + sb + 48);
    }

    /** {@link #group4}'s float part for block b: the four tokens' sub-block sums scaled into their accumulators. */
    private static void finish4(MemorySegment w, long o, float[] dx, float[] mx, int dOff, int n, int b, float[] out, int outOff, int outStride, int[] sums) {
        int nx = n / QB;
        FloatVector zero = FloatVector.zero(F);
        // per half, the four tokens side by side: the rows' mins converted once for all four
        int xa = dOff + 8 * b, xb = xa + nx, xc = xa + 2 * nx, xe = xa + 3 * nx;
        for (int half = 0; half < 2; half++) {
            FloatVector fa = zero, fb = zero, fc = zero, fe = zero, ma = zero, mb = zero, mc = zero, me = zero;
            for (int s = 0; s < 8; s++) {
                int so = 32 * s + 16 * half;
                FloatVector m = (FloatVector) ByteVector.fromMemorySegment(B128, w, o + MINS + (long) ROWS * s + 16 * half, LE).convertShape(VectorOperators.B2F, F, 0);
                // S_s sc_s in float: |S_s| < 2^16 and sc_s < 64, so the product is exact, the int product's bits
                FloatVector c = (FloatVector) ByteVector.fromMemorySegment(B128, w, o + SCALES + (long) ROWS * s + 16 * half, LE).convertShape(VectorOperators.B2F, F, 0);
                fa = ((FloatVector) IntVector.fromArray(I512, sums, so).convert(VectorOperators.I2F, 0)).mul(c).fma(FloatVector.broadcast(F, dx[xa + s]), fa);
                ma = m.fma(FloatVector.broadcast(F, mx[xa + s]), ma);
                fb = ((FloatVector) IntVector.fromArray(I512, sums, 256 + so).convert(VectorOperators.I2F, 0)).mul(c).fma(FloatVector.broadcast(F, dx[xb + s]), fb);
                mb = m.fma(FloatVector.broadcast(F, mx[xb + s]), mb);
                fc = ((FloatVector) IntVector.fromArray(I512, sums, 512 + so).convert(VectorOperators.I2F, 0)).mul(c).fma(FloatVector.broadcast(F, dx[xc + s]), fc);
                mc = m.fma(FloatVector.broadcast(F, mx[xc + s]), mc);
                fe = ((FloatVector) IntVector.fromArray(I512, sums, 768 + so).convert(VectorOperators.I2F, 0)).mul(c).fma(FloatVector.broadcast(F, dx[xe + s]), fe);
                me = m.fma(FloatVector.broadcast(F, mx[xe + s]), me);
            }
            FloatVector dw = FloatVector.fromMemorySegment(F, w, o + D + 64 * half, LE), dm = FloatVector.fromMemorySegment(F, w, o + DMIN + 64 * half, LE);
            int oa = outOff + 16 * half, ob = oa + outStride, oc = oa + 2 * outStride, oe = oa + 3 * outStride;
            ma.fma(dm, fa.fma(dw, FloatVector.fromArray(F, out, oa))).intoArray(out, oa);
            mb.fma(dm, fb.fma(dw, FloatVector.fromArray(F, out, ob))).intoArray(out, ob);
            mc.fma(dm, fc.fma(dw, FloatVector.fromArray(F, out, oc))).intoArray(out, oc);
            me.fma(dm, fe.fma(dw, FloatVector.fromArray(F, out, oe))).intoArray(out, oe);
        }
    }

    /**
     * The scalar twin of {@link #group}: the same integer sums and the same float32 operations in
     * the same order per row (see the class comment).
     */
    static void scalar(MemorySegment w, long o, short[] q, int qOff, float[] dx, float[] mx, int dOff, int nb, float[] out, int outOff) {
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            long ob = o;
            for (int b = 0; b < nb; b++, ob += GROUP_BLOCK_BYTES) {
                float fi = 0f;
                for (int t = 0; t < 4; t++) {
                    int lo = 0, hi = 0;
                    int xo = qOff + QK * b + 64 * t;
                    for (int l = 0; l < 32; l++) {
                        int byt = WeightBytes.u8(w, ob + QUANTS + (long) ROWS * (32 * t + l) + r);
                        lo += (byt & 0xF) * q[xo + l];
                        hi += (byt >>> 4) * q[xo + 32 + l];
                    }
                    int xb = dOff + 8 * b + 2 * t;
                    fi = Math.fma((float) (lo * WeightBytes.u8(w, ob + SCALES + (long) ROWS * (2 * t) + r)), dx[xb], fi);
                    fi = Math.fma((float) (hi * WeightBytes.u8(w, ob + SCALES + (long) ROWS * (2 * t + 1) + r)), dx[xb + 1], fi);
                }
                float fm = 0f;
                int x0 = dOff + 8 * b;
                for (int s = 0; s < 8; s++) {
                    float c = mx[x0 + s];
                    fm = Math.fma((float) WeightBytes.u8(w, ob + MINS + (long) ROWS * s + r), c, fm);
                }
                acc = Math.fma(fi, w.get(WeightBytes.F32, ob + D + 4L * r), acc);
                acc = Math.fma(fm, w.get(WeightBytes.F32, ob + DMIN + 4L * r), acc);
            }
            out[outOff + r] = acc;
        }
    }
}
