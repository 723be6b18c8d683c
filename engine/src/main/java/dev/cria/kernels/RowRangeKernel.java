package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A kernel whose one-token matvec works on a range of rows at once, so that it can prepare the
 * activations once per range (a reordering its inner loop reads linearly) instead of once per row.
 * Each row's result is bit-identical to {@link WeightKernel#dot}.
 */
interface RowRangeKernel {
    /**
     * {@code out[outOff + r] = dot(w, r * rowBytes, x, xOff, n)} for every row {@code r} in
     * {@code [from, to)}, visiting rows {@code r} and {@code r + (to - from) / 2} alternately (two
     * memory streams far apart, as {@link MatMul} orders them).
     */
    void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff);
}
