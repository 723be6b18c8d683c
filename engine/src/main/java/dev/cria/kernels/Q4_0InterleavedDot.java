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
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.LE;

/**
 * Integer dot products of {@link Q4_0Interleaved} row groups with activations quantized to ggml's
 * block_q8_0 ({@link Q8Activations#prepareRows}), as {@code ggml_vec_dot_q4_0_q8_0}: per row and
 * block {@code d_w d_x (Σ q_w q_x - 8 Σ q_x)}, the integer sum exact, then the blocks summed in
 * float32 in block order.
 *
 * <p>How: the 32 bytes {@code qs[j]} of a group's block are widened to 32 int16 lanes (lane = row);
 * their low nibbles times activation value j (broadcast) and their high nibbles times value j + 16
 * accumulate, lane by lane, in two int16 vectors over j = 0..15 (each sum at most
 * {@code 16 * 15 * 127 = 30480}: exact). Per block the two are added and the {@code 8 Σ q_x} of
 * the block subtracted, still in int16: the intermediate sums may wrap, but the result
 * {@code Σ (q_w - 8) q_x} lies within {@code ±32 * 8 * 127 = ±32512}, so the wrapped int16 is that
 * exact value (one widening to int32 per block instead of two, and no int32 add or subtract: JMH
 * {@code matmulUpBatch16Q8}, docs/benchmarks.md). Then it is converted to float and multiplied
 * into the row's accumulator by one FMA with {@code d_w * d_x}. Per 32 values of 32 rows: one widening load,
 * an and, a shift, two multiplies and two adds, and 32 rows' worth of conversion per block:
 * about half the vector ops of a row-at-a-time kernel, which needs horizontal pair sums and a
 * conversion per 16 values (docs/benchmarks.md).
 *
 * <p>Every (row, token) is the same operations in the same order in each kernel here (one group,
 * two groups, four tokens) and in the scalar twin {@link #scalar}, so a token's result does not
 * depend on its batch or on how rows are split over threads.
 */
final class Q4_0InterleavedDot {
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;

    private Q4_0InterleavedDot() {
    }

    /**
     * One token, one group at {@code o}: {@code out[outOff + r]} for its 32 rows. Activations:
     * values {@code q[qOff ..]}, block scales {@code dx[bOff ..]}, block offsets {@code bias[bOff ..]}
     * ({@code 8 Σ q} per block).
     */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb, float[] out, int outOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            ShortVector lo = ShortVector.zero(S512), hi = lo;
            int xo = qOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + QUANTS + (long) ROWS * j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                lo = lo.add(v.and((short) 0xF).mul(q[xo + j]));
                hi = hi.add(v.lanewise(VectorOperators.LSHR, 4).mul(q[xo + 16 + j]));
            }
            int bs = bias[bOff + b];
            float d = dx[bOff + b];
            ShortVector s = lo.add(hi).sub((short) bs);
            acc0 = ((FloatVector) s.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o, LE).mul(d), acc0);
            acc1 = ((FloatVector) s.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, o + 64, LE).mul(d), acc1);
        }
        acc0.intoArray(out, outOff);
        acc1.intoArray(out, outOff + 16);
    }

    /**
     * One token, two groups at {@code oa} and {@code ob} sharing each activation broadcast: two
     * memory streams in flight (far apart in memory, the caller's choice: faster from DRAM than one).
     * Each group's results are {@link #group}'s.
     */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb,
                        float[] out, int outA, int outB) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        for (int b = 0; b < nb; b++, oa += GROUP_BLOCK_BYTES, ob += GROUP_BLOCK_BYTES) {
            ShortVector alo = ShortVector.zero(S512), ahi = alo, blo = alo, bhi = alo;
            int xo = qOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                short xl = q[xo + j], xh = q[xo + 16 + j];
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, oa + QUANTS + (long) ROWS * j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                alo = alo.add(v.and((short) 0xF).mul(xl));
                ahi = ahi.add(v.lanewise(VectorOperators.LSHR, 4).mul(xh));
                ShortVector u = (ShortVector) ByteVector.fromMemorySegment(B256, w, ob + QUANTS + (long) ROWS * j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                blo = blo.add(u.and((short) 0xF).mul(xl));
                bhi = bhi.add(u.lanewise(VectorOperators.LSHR, 4).mul(xh));
            }
            int bs = bias[bOff + b];
            float d = dx[bOff + b];
            ShortVector sa = alo.add(ahi).sub((short) bs);
            a0 = ((FloatVector) sa.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa, LE).mul(d), a0);
            a1 = ((FloatVector) sa.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, oa + 64, LE).mul(d), a1);
            ShortVector sb = blo.add(bhi).sub((short) bs);
            b0 = ((FloatVector) sb.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob, LE).mul(d), b0);
            b1 = ((FloatVector) sb.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromMemorySegment(F, w, ob + 64, LE).mul(d), b1);
        }
        a0.intoArray(out, outA);
        a1.intoArray(out, outA + 16);
        b0.intoArray(out, outB);
        b1.intoArray(out, outB + 16);
    }

    /**
     * Four tokens, one group at {@code o}: each weight vector widened once for all four. Token t's
     * values start at {@code q[qOff + t * n]}, its block scales and offsets at
     * {@code [bOff + t * nb]}, its results go to {@code out[outOff + t * outStride ..]}. Each
     * token's results are {@link #group}'s.
     */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, int[] bias, int bOff, int nb,
                       float[] out, int outOff, int outStride) {
        // The float accumulators live in out (in L1): eight more vectors live across the loop made C2
        // box them (seven allocations per block, 5 instead of 2 cycles per 32 products).
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
        int qa = qOff, qb = qOff + n, qc = qOff + 2 * n, qe = qOff + 3 * n;
        int ba = bOff, bb = bOff + nb, bc = bOff + 2 * nb, be = bOff + 3 * nb;
        for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
            ShortVector alo = ShortVector.zero(S512), ahi = alo, blo = alo, bhi = alo, clo = alo, chi = alo, elo = alo, ehi = alo;
            int xo = 32 * b;
            for (int j = 0; j < 16; j++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + QUANTS + (long) ROWS * j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
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
            ShortVector sa = alo.add(ahi).sub((short) bias[ba + b]), sb = blo.add(bhi).sub((short) bias[bb + b]),
                    sc = clo.add(chi).sub((short) bias[bc + b]), se = elo.add(ehi).sub((short) bias[be + b]);
            FloatVector s0 = FloatVector.fromMemorySegment(F, w, o, LE), s1 = FloatVector.fromMemorySegment(F, w, o + 64, LE);
            // written out per token: a helper taking vectors, if C2 did not inline it, would box them
            ((FloatVector) sa.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[ba + b]), FloatVector.fromArray(F, out, oa)).intoArray(out, oa);
            ((FloatVector) sa.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[ba + b]), FloatVector.fromArray(F, out, oa + 16)).intoArray(out, oa + 16);
            ((FloatVector) sb.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[bb + b]), FloatVector.fromArray(F, out, ob)).intoArray(out, ob);
            ((FloatVector) sb.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[bb + b]), FloatVector.fromArray(F, out, ob + 16)).intoArray(out, ob + 16);
            ((FloatVector) sc.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[bc + b]), FloatVector.fromArray(F, out, oc)).intoArray(out, oc);
            ((FloatVector) sc.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[bc + b]), FloatVector.fromArray(F, out, oc + 16)).intoArray(out, oc + 16);
            ((FloatVector) se.convertShape(VectorOperators.S2I, I512, 0).convert(VectorOperators.I2F, 0)).fma(s0.mul(dx[be + b]), FloatVector.fromArray(F, out, oe)).intoArray(out, oe);
            ((FloatVector) se.convertShape(VectorOperators.S2I, I512, 1).convert(VectorOperators.I2F, 0)).fma(s1.mul(dx[be + b]), FloatVector.fromArray(F, out, oe + 16)).intoArray(out, oe + 16);
        }
    }

    /**
     * The scalar twin of {@link #group}: the same integer sums and the same float32 operations in
     * the same order per row ({@code acc = fma(float(S - bias), d_w * d_x, acc)} block by block).
     */
    static void scalar(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb, float[] out, int outOff) {
        for (int r = 0; r < ROWS; r++) {
            float acc = 0f;
            long ob = o;
            for (int b = 0; b < nb; b++, ob += GROUP_BLOCK_BYTES) {
                int s = 0;
                for (int j = 0; j < 16; j++) {
                    int byt = WeightBytes.u8(w, ob + QUANTS + (long) ROWS * j + r);
                    s += (byt & 0xF) * q[qOff + 32 * b + j] + (byt >>> 4) * q[qOff + 32 * b + 16 + j];
                }
                float dw = w.get(WeightBytes.F32, ob + 4L * r);
                acc = Math.fma((float) (s - bias[bOff + b]), dw * dx[bOff + b], acc);
            }
            out[outOff + r] = acc;
        }
    }
}
