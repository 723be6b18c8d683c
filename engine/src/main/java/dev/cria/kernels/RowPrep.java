package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import dev.cria.tensor.PaddedArrays;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.FloatDot.BIT2;
import static dev.cria.kernels.FloatDot.BIT4;
import static dev.cria.kernels.FloatDot.BIT8;
import static dev.cria.kernels.FloatDot.XOR1;
import static dev.cria.kernels.FloatDot.XOR2;
import static dev.cria.kernels.FloatDot.XOR4;
import static dev.cria.kernels.FloatDot.XOR8;
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.I;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i64;
import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * Per-thread scratch of the one-token row-range kernels ({@link RowRangeKernel}: Q4_0, Q4_K,
 * Q6_K, F16) and of the token-group kernels ({@link TokenGroupKernel}): the activations reordered
 * into the order the kernel's inner loop reads them (K-quants), decoded scales laid out per pass of
 * that loop (Q4_0 and Q4_K: a whole row's; Q6_K: one super-block's at a time), and chunks of two F16
 * rows decoded to floats. The scales are decoded by methods of this class, kept out of the kernel
 * classes on purpose: inlined into a dot loop, their vector ops push C2 past its inlining budget (it
 * then boxes the loop's vectors); called, they cost one call per row or per 256 values (Q6_K).
 */
final class RowPrep {
    private static final ThreadLocal<RowPrep> SCRATCH = ThreadLocal.withInitial(RowPrep::new);
    private static final VectorSpecies<Long> L128 = LongVector.SPECIES_128;
    private static final VectorMask<Float> HIGH8 = VectorMask.fromLong(F, 0xFF00L);
    /** From lanes [scale 0..7, -min 0..7]: (scale, min) of sub-blocks 0, 1 for passes 0 and 1, then 2, 3 for passes 2 and 3. */
    private static final VectorShuffle<Float> PASSES_0_3 = VectorShuffle.fromValues(F, 0, 8, 1, 9, 0, 8, 1, 9, 2, 10, 3, 11, 2, 10, 3, 11);
    private static final VectorShuffle<Float> PASSES_4_7 = VectorShuffle.fromValues(F, 4, 12, 5, 13, 4, 12, 5, 13, 6, 14, 7, 15, 6, 14, 7, 15);

    float[] input = new float[0];
    /** Decoded scales, from index {@link PaddedArrays#PAD} on: rewritten for every row, so padded against false sharing. */
    float[] scales = PaddedArrays.floats(0);
    /**
     * A token group's sums on the way to {@link FloatDot#reduce(float[], int)}, from {@code PAD} on: 2 rows x 4 tokens x 16 lanes,
     * then the 16 lanes of {@link #reduceSums}'s results.
     */
    final float[] sums = PaddedArrays.floats(144);
    private float[] groupInput = new float[0];
    private float[] f16Rows = PaddedArrays.floats(0);

    private RowPrep() {
    }

    /**
     * After a token-group pass over rows {@code r0}, {@code r1}: {@code out[outOff + (t + j) * stride + r]}
     * = the reduced {@link #sums} of token {@code j} ({@code j < m}) and each row ({@code r1}'s at 64).
     */
    void reduceSums(int t, int m, float[] out, int outOff, int stride, int r0, int r1) {
        // FloatDot.reduce's tree for all eight (row, token) sums at once: each butterfly level adds
        // lane pairs of two sums side by side (blend, then the partner lanes moved over), so lane 2k
        // of the last vector is sum k reduced in the same order, bit for bit (float addition commutes).
        // written out: a helper taking vectors, if C2 did not inline it, would box them
        FloatVector v0 = FloatVector.fromArray(F, sums, PAD), v4 = FloatVector.fromArray(F, sums, PAD + 64);
        FloatVector v1 = FloatVector.fromArray(F, sums, PAD + 16), v5 = FloatVector.fromArray(F, sums, PAD + 80);
        FloatVector v2 = FloatVector.fromArray(F, sums, PAD + 32), v6 = FloatVector.fromArray(F, sums, PAD + 96);
        FloatVector v3 = FloatVector.fromArray(F, sums, PAD + 48), v7 = FloatVector.fromArray(F, sums, PAD + 112);
        FloatVector w0 = v0.blend(v4, BIT8).add(v4.blend(v0, BIT8).rearrange(XOR8));
        FloatVector w1 = v1.blend(v5, BIT8).add(v5.blend(v1, BIT8).rearrange(XOR8));
        FloatVector w2 = v2.blend(v6, BIT8).add(v6.blend(v2, BIT8).rearrange(XOR8));
        FloatVector w3 = v3.blend(v7, BIT8).add(v7.blend(v3, BIT8).rearrange(XOR8));
        FloatVector x0 = w0.blend(w2, BIT4).add(w2.blend(w0, BIT4).rearrange(XOR4));
        FloatVector x1 = w1.blend(w3, BIT4).add(w3.blend(w1, BIT4).rearrange(XOR4));
        FloatVector y = x0.blend(x1, BIT2).add(x1.blend(x0, BIT2).rearrange(XOR2));
        y.add(y.rearrange(XOR1)).intoArray(sums, PAD + 128);
        // token j of row r0 is lane 2j, of row r1 lane 8 + 2j
        for (int j = 0; j < m; j++) {
            int at = outOff + (t + j) * stride;
            out[at + r0] = sums[PAD + 128 + 2 * j];
            out[at + r1] = sums[PAD + 136 + 2 * j];
        }
    }

    /** Room for two F16 rows' chunks of {@code chunk} decoded values, from {@code PAD} on (the second at {@code PAD + chunk}). */
    float[] f16Rows(int chunk) {
        return f16Rows = PaddedArrays.atLeast(f16Rows, 2 * chunk);
    }

    /** Room for a token group's reordered activations ({@code floats}: tokens x row length). */
    float[] groupInput(int floats) {
        if (groupInput.length < floats) groupInput = new float[floats];
        return groupInput;
    }

    /** This thread's scratch, large enough for rows of {@code n} values. */
    static RowPrep forThread(int n) {
        RowPrep s = SCRATCH.get();
        if (s.input.length < n) {
            s.input = new float[n];
            s.scales = PaddedArrays.floats(Math.max(16, n / 4)); // Q4_K: 32 floats per 256 values; Q6_K: 16 in all; Q4_0: 2 per 32; two rows for token groups
        }
        return s;
    }

    /**
     * Decodes the {@code blocks} super-blocks of the Q4_K row at {@code o} into {@link #scales}:
     * pass t (16 bytes of quants, t = 0..7 per super-block k) finds at {@code 32k + 4t} the floats
     * {@code d * scale(s), -(dmin * min(s)), d * scale(s + 1), -(dmin * min(s + 1))}, s = 2(t / 2).
     * The 6-bit fields are regrouped into 16 bytes with 64-bit masks and shifts (ggml's
     * get_scale_min_k4, all eight at once), then widened, converted and scaled as one vector: each
     * product of a 6-bit integer and an f16 is exact, so these are the floats ggml's dequantization uses.
     */
    void q4kScales(MemorySegment w, long o, int blocks) {
        q4kScales(w, o, blocks, 0);
    }

    /** {@link #q4kScales(MemorySegment, long, int)} from {@code scales[at]} on (a second row's: {@code at = 32 blocks}). */
    void q4kScales(MemorySegment w, long o, int blocks, int at) {
        float[] sc = scales;
        for (int k = 0; k < blocks; k++, o += 144) {
            long lo = i64(w, o + 4), hi = i32(w, o + 12) & 0xFFFFFFFFL;
            long scale = (lo & 0x3F3F3F3FL) | (((hi & 0x0F0F0F0FL) | (((lo >>> 6) & 0x03030303L) << 4)) << 32);
            long min = ((lo >>> 32) & 0x3F3F3F3FL) | ((((hi >>> 4) & 0x0F0F0F0FL) | (((lo >>> 38) & 0x03030303L) << 4)) << 32);
            IntVector six = (IntVector) LongVector.broadcast(L128, scale).withLane(1, min).reinterpretAsBytes()
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            FloatVector factor = FloatVector.broadcast(F, f16(w, o)).blend(-f16(w, o + 2), HIGH8);
            FloatVector v = ((FloatVector) six.convert(VectorOperators.I2F, 0)).mul(factor);
            v.rearrange(PASSES_0_3).intoArray(sc, PAD + at + 32 * k);
            v.rearrange(PASSES_4_7).intoArray(sc, PAD + at + 32 * k + 16);
        }
    }

    /** Q4_0: {@code d} and {@code -8 d} of each of the row's {@code blocks} 18-byte blocks at {@code 2b}, {@code 2b + 1}. */
    void q40Scales(MemorySegment w, long o, int blocks) {
        q40Scales(w, o, blocks, 0);
    }

    /** {@link #q40Scales(MemorySegment, long, int)} from {@code scales[at]} on (a second row's: {@code at = 2 blocks}). */
    void q40Scales(MemorySegment w, long o, int blocks, int at) {
        float[] sc = scales;
        for (int b = 0; b < blocks; b++) {
            float d = f16(w, o + 18L * b);
            sc[PAD + at + 2 * b] = d;
            sc[PAD + at + 2 * b + 1] = -8 * d;
        }
    }

    /** Scale byte order within a Q6_K super-block, by pass (h, c) then group g: 8h + c + 2g. */
    private static final VectorShuffle<Float> Q6K_PASSES = VectorShuffle.fromValues(F, 0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15);

    /**
     * Decodes the scales of the Q6_K super-block at {@code o} into {@link #scales}: pass p = 2h + c
     * (p = 0..3) finds at {@code 4p + g} the float {@code d * scales[8h + c + 2g]} (g = 0..3), the
     * factor ggml's dequantize_row_q6_K applies.
     */
    void q6kScales(MemorySegment w, long o) {
        IntVector s8 = QuantVectors.i8x16(w, o + 192);
        ((FloatVector) s8.convert(VectorOperators.I2F, 0)).mul(f16(w, o + 208)).rearrange(Q6K_PASSES).intoArray(scales, PAD);
    }
}
