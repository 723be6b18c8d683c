package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.LE;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i64;

/**
 * Integer dot products of one weight row with {@link Q8Activations}, as ggml's
 * {@code ggml_vec_dot_q4_K_q8_K / ggml_vec_dot_q6_K_q8_K}: weight and activation integers are multiplied and summed
 * exactly per block, and only the block sums are scaled in float32.
 *
 * <p>How, without dpbusd / pmaddubsw in the Vector API: weights are widened to 32 int16 lanes
 * (one 512-bit vector), multiplied by the activations already stored as int16 ({@code vpmullw}: a
 * 4- or 6-bit weight times an int8 fits, and so does the sum of two such products), then adjacent
 * lanes are summed into 16 int32 lanes by {@link #pairSums} and converted to float once, for an
 * FMA with the block's scale. Everything is 512 bits wide: on Sapphire Rapids a 256-bit op issues
 * on the same two ports as a 512-bit one once 512-bit code runs, so narrow ops only halve the work
 * per op (a 256-bit Q4_0 version measured slower than the float kernel). Integer kernels for Q4_0
 * in the file layout and for Q8_0 were measured no faster than the float ones (Q4_0 equal, Q8_0
 * 0.67x) and removed; Q4_0 in the {@link Q4_0Repacked} layout has one ({@link #dotQ4_0Repacked}).
 *
 * <p>C2: one weight-load call site per loop body where possible (each inlines a large tree), constant
 * shift counts and shuffles only; see {@link VectorKQuantKernels}.
 */
public final class IntDotKernels {
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    static final VectorSpecies<Long> L512 = LongVector.SPECIES_512;
    /** Q4_0: two blocks' scales (lanes 0, 1) spread over the lanes of their pair sums, 0-7 and 8-15. */
    private static final VectorShuffle<Float> SPREAD_PAIR = VectorShuffle.fromOp(F, i -> i >> 3);
    /** Q6_K: scale lanes 0 and 1 spread over lanes 0-7 and 8-15 (the pair sums of two groups of 16). */
    private static final VectorShuffle<Float> SPREAD01 = VectorShuffle.fromOp(F, i -> i >> 3);
    /** Q6_K: lanes rotated down by 2, bringing the next two groups' scales to lanes 0 and 1. */
    private static final VectorShuffle<Float> ROTATE2 = VectorShuffle.fromOp(F, i -> (i + 2) & 15);

    private IntDotKernels() {
    }

    /**
     * One row: {@code Σ_j w[j] * x[j]} for {@code j < n} over the {@link Q8Activations#prepare prepared}
     * activations (Q4_0: a row of the {@link Q4_0Repacked} layout, activations {@link Q8Activations#prepareQ8_0}). For tests and cold paths: the matvec calls the per-type methods from one call site
     * per job class.
     */
    public static float dot(GgmlType t, MemorySegment w, long o, Q8Activations x, int n) {
        return switch (t) {
            case Q4_K -> dotQ4_K(w, o, x, n);
            case Q6_K -> dotQ6_K(w, o, x, n);
            case Q4_0 -> dotQ4_0Repacked(w, o, x, n);
            default -> throw new IllegalArgumentException("no integer dot kernel for " + t);
        };
    }

    /**
     * Q4_K x Q8_K ({@code ggml_vec_dot_q4_K_q8_K}): per super-block
     * {@code f16(d) dy Σ_s sc_s Σ q y  -  f16(dmin) dy Σ_s m_s (bsum_2s + bsum_2s+1)}. Each 32 bytes
     * hold sub-block 2t in the low nibbles and 2t + 1 in the high ones: 32 lanes each.
     */
    static float dotQ4_K(MemorySegment w, long o, Q8Activations x, int n) {
        short[] q = x.qK;
        float[] dy = x.dK;
        int[] bsum = x.bsumK;
        FloatVector a = FloatVector.zero(F), b = a;
        float mins = 0f;
        for (int blk = 0, nb = n / 256; blk < nb; blk++, o += 144) {
            long lo = i64(w, o + 4);
            long hi = i32(w, o + 12) & 0xFFFFFFFFL;
            long lo32 = lo >>> 32;
            // get_scale_min_k4 for all 8 sub-blocks at once, one byte each: scales 0-3 are bytes 0-3 & 63,
            // 4-7 the low nibbles of bytes 8-11 with the top 2 bits of bytes 0-3; mins likewise from 4-7 / 8-11.
            long sc = (lo & 0x3f3f3f3fL) | (((hi & 0x0f0f0f0fL) | (((lo >>> 6) & 0x03030303L) << 4)) << 32);
            long mn = (lo32 & 0x3f3f3f3fL) | ((((hi >>> 4) & 0x0f0f0f0fL) | (((lo32 >>> 6) & 0x03030303L) << 4)) << 32);
            float dall = f16(w, o) * dy[blk], dmin = f16(w, o + 2) * dy[blk];
            int bs = 16 * blk, msum = 0;
            for (int s = 0; s < 8; s++) msum += (int) ((mn >>> (8 * s)) & 0xFF) * (bsum[bs + 2 * s] + bsum[bs + 2 * s + 1]);
            mins = Math.fma(dmin, msum, mins);
            int i = 256 * blk;
            for (int t = 0; t < 4; t++, i += 64, sc >>>= 16) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 16 + 32 * t, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector p0 = v.and((short) 0xF).mul(ShortVector.fromArray(S512, q, i));
                ShortVector p1 = v.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, q, i + 32));
                a = pairSums(p0).fma(FloatVector.broadcast(F, dall * (int) (sc & 0xFF)), a);
                b = pairSums(p1).fma(FloatVector.broadcast(F, dall * (int) ((sc >>> 8) & 0xFF)), b);
            }
        }
        return reduce(a.add(b)) - mins;
    }

    /**
     * Q6_K x Q8_K ({@code ggml_vec_dot_q6_K_q8_K}): per super-block {@code f16(d) dy Σ_g sc_g Σ (q - 32) y}
     * over 16 groups of 16. The unsigned 6-bit q multiplies in 16 bits; the {@code -32} is applied
     * through the activations' per-16 sums ({@code 32 Σ_g sc_g bsum_g}). Per half of 128 values, the
     * 32 lanes of one product vector span two scale groups, so the 16 pair sums meet a scale vector
     * whose lanes 0-7 and 8-15 hold the two groups' scales.
     */
    static float dotQ6_K(MemorySegment w, long o, Q8Activations x, int n) {
        short[] q = x.qK;
        float[] dy = x.dK;
        int[] bsum = x.bsumK;
        FloatVector a = FloatVector.zero(F), b = a;
        float offs = 0f;
        for (int blk = 0, nb = n / 256; blk < nb; blk++, o += 210) {
            float dall = f16(w, o + 208) * dy[blk];
            IntVector sci = (IntVector) ByteVector.fromMemorySegment(B128, w, o + 192, LE).convertShape(VectorOperators.B2I, I512, 0);
            offs = Math.fma(dall, sci.mul(IntVector.fromArray(I512, bsum, 16 * blk)).reduceLanes(VectorOperators.ADD), offs);
            // lanes 2k, 2k + 1 of scales belong to product vector k; rotated down by 2 after each
            FloatVector scales = ((FloatVector) sci.convert(VectorOperators.I2F, 0)).mul(dall);
            int i = 256 * blk;
            for (int h = 0; h < 2; h++) {
                // values 32k + l of this half (k = 0..3): nibble (k / 2) of ql[32 (k % 2) + l], bits 2k, 2k + 1 of qh[l].
                // Carried in registers with constant shifts: cur / next walk A, B, A >> 4, B >> 4; high shifts by 2.
                ShortVector cur = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 64L * h, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector next = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 64L * h + 32, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                ShortVector high = (ShortVector) ByteVector.fromMemorySegment(B256, w, o + 128 + 32L * h, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
                for (int k = 0; k < 4; k++, i += 32) {
                    ShortVector v = cur.and((short) 0xF).or(high.lanewise(VectorOperators.LSHL, 4).and((short) 0x30));
                    FloatVector sum = pairSums(v.mul(ShortVector.fromArray(S512, q, i))).fma(scales.rearrange(SPREAD01), a);
                    a = b;
                    b = sum;
                    scales = scales.rearrange(ROTATE2);
                    ShortVector shifted = cur.lanewise(VectorOperators.LSHR, 4);
                    cur = next;
                    next = shifted;
                    high = high.lanewise(VectorOperators.LSHR, 2);
                }
            }
        }
        return reduce(a.add(b)) - 32 * offs;
    }

    /**
     * Q4_0 in the {@link Q4_0Repacked} layout ({@code o}: the row's start) x block_q8_0
     * ({@link Q8Activations#prepareQ8_0}), as {@code ggml_vec_dot_q4_0_q8_0}: per block
     * {@code d_w d_x (Σ q_w q_x - 8 Σ q_x)}, the integer sums exact. Two blocks at a time: their 32
     * quant bytes lie back to back, widened to 32 int16 lanes (block A in 0-15, B in 16-31); low
     * nibbles times the activations stored in the same order, plus high nibbles times theirs (each
     * lane {@code <= 2 * 15 * 127}), then adjacent lanes summed to 16 int32 lanes (A's in 0-7, B's
     * in 8-15: {@link #pairSums}'s trick, the sums fit 16 bits). The -8 offset costs one int
     * subtraction: {@code 8 Σ q_x} stored in lanes 0 and 8. One conversion, and one FMA with the
     * per-lane {@code d_w d_x}: the two weight scales (adjacent float32s, one 8-byte load
     * broadcast) spread over their lanes by a constant permute, times the activation scales.
     * Measured about 5 cycles per 32 weights in cache against 7 for the float kernel (Zen 4,
     * docs/benchmarks.md); one accumulator (the loop is throughput-bound, not FMA-latency-bound).
     * {@link ScalarKernels#dotQ4_0RepackedQ8} is the scalar twin (the same floats in the same order).
     * {@code n} must be a multiple of 64 (the caller checks: {@link Q8MatVec#supports}).
     */
    static float dotQ4_0Repacked(MemorySegment w, long o, Q8Activations x, int n) {
        short[] q = x.q0;
        float[] dx = x.d0;
        int[] bsum = x.bsum0;
        long quants = o + 4L * (n / 32);
        FloatVector acc = FloatVector.zero(F);
        for (int p = 0, pairs = n / 64; p < pairs; p++) {
            ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, quants + 32L * p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            ShortVector prod = v.and((short) 0xF).mul(ShortVector.fromArray(S512, q, 64 * p))
                    .add(v.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S512, q, 64 * p + 32)));
            IntVector iv = (IntVector) prod.reinterpretShape(I512, 0);
            IntVector sums = iv.add(iv.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                    .sub(IntVector.fromArray(I512, bsum, 16 * p));
            FloatVector scale = ((FloatVector) LongVector.broadcast(L512, i64(w, o + 8L * p)).reinterpretAsFloats())
                    .rearrange(SPREAD_PAIR).mul(FloatVector.fromArray(F, dx, 16 * p));
            acc = ((FloatVector) sums.convert(VectorOperators.I2F, 0)).fma(scale, acc);
        }
        return reduce(acc);
    }

    /**
     * {@link #dotQ4_0Repacked} for two rows at {@code o0} and {@code o1}, sharing each activation
     * load (two int16 vectors, the offset sums and the scales: four 64-byte loads per 64 values,
     * against one 32-byte weight load per row); each row's floats are those of the one-row kernel,
     * in the same order. The two rows' 16 lane sums go to {@code sums[0..16)} and {@code sums[16..32)}
     * for {@link FloatDot#reduce(float[], int)} (the same sum as the vector reduction): reducing two
     * vectors here made C2 leave the reduction out of line and box both (192 bytes per call).
     */
    static void dotQ4_0Repacked2(MemorySegment w, long o0, long o1, Q8Activations x, int n, float[] sums) {
        short[] q = x.q0;
        float[] dx = x.d0;
        int[] bsum = x.bsum0;
        long quants0 = o0 + 4L * (n / 32), quants1 = o1 + 4L * (n / 32);
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int p = 0, pairs = n / 64; p < pairs; p++) {
            ShortVector lo = ShortVector.fromArray(S512, q, 64 * p), hi = ShortVector.fromArray(S512, q, 64 * p + 32);
            IntVector offset = IntVector.fromArray(I512, bsum, 16 * p);
            FloatVector d = FloatVector.fromArray(F, dx, 16 * p);
            ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B256, w, quants0 + 32L * p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            IntVector iv = (IntVector) v.and((short) 0xF).mul(lo).add(v.lanewise(VectorOperators.LSHR, 4).mul(hi)).reinterpretShape(I512, 0);
            IntVector blockSums = iv.add(iv.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).sub(offset);
            FloatVector scale = ((FloatVector) LongVector.broadcast(L512, i64(w, o0 + 8L * p)).reinterpretAsFloats()).rearrange(SPREAD_PAIR).mul(d);
            acc0 = ((FloatVector) blockSums.convert(VectorOperators.I2F, 0)).fma(scale, acc0);
            v = (ShortVector) ByteVector.fromMemorySegment(B256, w, quants1 + 32L * p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2S, S512, 0);
            iv = (IntVector) v.and((short) 0xF).mul(lo).add(v.lanewise(VectorOperators.LSHR, 4).mul(hi)).reinterpretShape(I512, 0);
            blockSums = iv.add(iv.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).sub(offset);
            scale = ((FloatVector) LongVector.broadcast(L512, i64(w, o1 + 8L * p)).reinterpretAsFloats()).rearrange(SPREAD_PAIR).mul(d);
            acc1 = ((FloatVector) blockSums.convert(VectorOperators.I2F, 0)).fma(scale, acc1);
        }
        acc0.intoArray(sums, 0);
        acc1.intoArray(sums, 16);
    }

    /**
     * The 32 int16 lanes of {@code p} summed in adjacent pairs into 16 floats, exactly (each pair sum
     * must fit in 16 bits): as ints, lane k holds {@code p[2k+1] * 2^16 + (p[2k] mod 2^16)}; adding the
     * same shifted left by 16 puts {@code p[2k] + p[2k+1]} in the top half and an arithmetic shift
     * brings it down (the low half's unsigned value cannot carry into the sign).
     */
    static FloatVector pairSums(ShortVector p) {
        IntVector v = (IntVector) p.reinterpretShape(I512, 0);
        return (FloatVector) v.add(v.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0);
    }

    /** A fixed-order sum of the 16 lanes ({@link FloatDot#reduce}), so a row's result does not depend on the JIT. */
    private static float reduce(FloatVector v) {
        return FloatDot.reduce(v, FloatVector.zero(F));
    }
}
