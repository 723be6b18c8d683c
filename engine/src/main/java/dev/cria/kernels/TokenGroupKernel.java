package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A kernel that multiplies a range of rows with a small group of tokens (2 to {@link #MAX_TOKENS})
 * in one pass over the weights: each weight vector is decoded once, in registers, and multiplied
 * into every token's accumulators. This is continuous batching's decode step with a few
 * sequences (one token each), where the tile path ({@link SplitTile}) pays for storing and
 * reloading the decoded rows and, below four tokens, for padding. Each (row, token) result is
 * bit-identical to {@link WeightKernel#dot}: the same decoded floats summed in {@link FloatDot}'s
 * order, so a request's tokens do not depend on how many others share its step.
 */
interface TokenGroupKernel {
    /**
     * The most tokens one call takes; larger batches use the tile path. Eight tokens as two groups
     * of four measured slower than the tile (1B Q4_0 batch-8 step 39-41 against 46.5 tokens/s),
     * and eight at once exceed what C2 compiles without boxing (16 accumulators, 16 loads).
     */
    int MAX_TOKENS = 4;

    /**
     * {@code out[outOff + b * outStride + r] = dot(w, r * rowBytes, x, xOff + b * n, n)} for every
     * row {@code r} in {@code [from, to)} and token {@code b < tokens} (2 to {@link #MAX_TOKENS}).
     */
    void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride);
}
