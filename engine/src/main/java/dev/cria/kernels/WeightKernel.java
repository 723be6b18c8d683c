package dev.cria.kernels;

import dev.cria.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * The per-type primitives over a weight stored in its ggml block layout. Every type has a
 * scalar reference and a Vector API version; tests hold them together on random data.
 * Offsets are byte offsets into {@code w} and always fall on a block boundary; {@code n}
 * is a multiple of the type's block size.
 */
public interface WeightKernel {
    GgmlType type();

    /** Decodes {@code n} values starting at byte {@code offset} of {@code w} into {@code dst[dstOff..dstOff+n)}, exactly as ggml's dequantize_row_*. */
    void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n);

    /**
     * Decodes {@code n} values (a multiple of 32) like {@link #dequantize}, stored in
     * {@link SplitTile}'s layout: group q's values 0-15 at byte {@code a + 64 q} of {@code dst}, values
     * 16-31 at {@code b + 64 q}. The default decodes into {@code scratch} (at least n floats) and copies;
     * the common types write directly.
     */
    default void dequantizeSplit(MemorySegment w, long offset, MemorySegment dst, long a, long b, int n, float[] scratch) {
        dequantize(w, offset, scratch, 0, n);
        SplitTile.split(scratch, 0, dst, a, b, n);
    }

    /** {@code Σ_j w[j] * x[xOff + j]} for {@code j < n}, in float32, weights decoded exactly (activations are not quantized). */
    float dot(MemorySegment w, long offset, float[] x, int xOff, int n);

    /**
     * Two rows at once, each bit-identical to {@link #dot}: {@code out[out0] = dot(w, o0, ..)},
     * {@code out[out1] = dot(w, o1, ..)}. Interleaving two rows doubles the independent
     * accumulator chains and the memory streams in flight, and shares the activation loads.
     */
    default void dot2(MemorySegment w, long o0, long o1, float[] x, int xOff, int n, float[] out, int out0, int out1) {
        out[out0] = dot(w, o0, x, xOff, n);
        out[out1] = dot(w, o1, x, xOff, n);
    }

    /**
     * Whether {@link #dot2} is a real two-row loop. MatMul calls {@link #dot} per row otherwise: the
     * default dot2 shared by several kernel classes would inline all their dots into one method,
     * past C2's node budget, and box every vector.
     */
    default boolean pairsRows() {
        return false;
    }
}
