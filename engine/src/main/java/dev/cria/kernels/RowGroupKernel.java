package dev.cria.kernels;

import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.MemorySegment;

/**
 * The integer kernels of one interleaved weight layout, as {@link Q8MatMul} calls them (the
 * counterpart of ggml's {@code type_traits_cpu}): rows come in groups of {@link #rows()} stored
 * value by value, activations are quantized once per input by {@link #prepare}, and three entry
 * points multiply one group: one token ({@link #group}), one token and two groups far apart in
 * memory ({@link #groups2}), four tokens ({@link #group4}). The driver splits the groups over the
 * threads and picks the entry point; a type implements this once, beside its layout
 * ({@link Q4_0Interleaved#KERNEL}, {@link Q4_KInterleaved#KERNEL}, {@link Q6_KInterleaved#KERNEL}),
 * delegating to its static kernels.
 *
 * <p>Every entry point gives a (row, token) the same bits (the kernels' tests check it against a
 * scalar twin), so a token's result does not depend on its batch or on how groups are split.
 *
 * <p>Arguments: {@code w} the matrix's bytes, {@code cols} its row length, {@code g} a group's
 * index, {@code x} the activations (prepared), {@code t} the first token of {@code x} to multiply;
 * results of a group go to {@code out[outOff + i]} for its rows i, token {@code t + k}'s (four
 * tokens) to {@code out[outOff + k * outStride + i]}; {@code scratch} holds at least
 * {@link #scratchInts} ints, the calling thread's own.
 */
interface RowGroupKernel {
    /** Rows per group. */
    int rows();

    /** Quantizes every token of {@code x} as this type's kernels read it (at most once per input). */
    void prepare(Q8Activations x);

    /** Ints of per-thread scratch every call needs (0: none). */
    int scratchInts();

    /** Token t times group g. */
    void group(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int[] scratch);

    /** Token t times groups g0 and g1 together, sharing each activation load; each group's results are {@link #group}'s. */
    void groups2(MemorySegment w, int cols, int g0, int g1, Q8Activations x, int t, float[] out, int outOff0, int outOff1, int[] scratch);

    /** Tokens t .. t + 3 times group g, each weight widened once for the four; each token's results are {@link #group}'s. */
    void group4(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int outStride, int[] scratch);

    /** The kernels of a layout, or null where it has none (the file layouts: the float driver's). */
    static RowGroupKernel of(WeightMatrix.Layout layout) {
        return switch (layout) {
            case Q4_0_INTERLEAVED -> Q4_0Interleaved.KERNEL;
            case Q4_K_INTERLEAVED -> Q4_KInterleaved.KERNEL;
            case Q6_K_INTERLEAVED -> Q6_KInterleaved.KERNEL;
            default -> null;
        };
    }
}
