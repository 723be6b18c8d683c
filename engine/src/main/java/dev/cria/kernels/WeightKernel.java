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

    /** {@code Σ_j w[j] * x[xOff + j]} for {@code j < n}, in float32, weights decoded exactly (activations are not quantized). */
    float dot(MemorySegment w, long offset, float[] x, int xOff, int n);
}
