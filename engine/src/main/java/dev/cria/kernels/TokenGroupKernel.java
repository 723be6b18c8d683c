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
 *
 * <p>Each type writes its passes out in full, a two-token and a four-token method that differ only
 * in how many accumulators they carry: a helper shared between them would have to return several
 * vectors, which C2 can only do by boxing them, and the two-token method is not the four-token one
 * padded (at batch 2, 1B Q4_0: 21.7-22.8 t/s against 18.4-20.2 padded to four).
 */
interface TokenGroupKernel {
    /**
     * The most tokens one call takes; larger batches use the tile path. The kernels take tokens
     * four (or two) at a time per pass over a row, so five or six tokens cost a second, shorter
     * pass. Measured against the tile (1B, bench -s N, tokens/s, Q4_0 / Q4_K_M): 5 tokens 30.6 vs
     * 27.7 / 24.2 vs 21.0; 6 tokens 34.5 vs 35.4 / 28.0 vs 24.5; 7 tokens 37.7 vs 40.5 / 26.6 vs
     * 28.9; 8 tokens 42.7 vs 48.3 / 30.1 vs 32.0. Eight in one pass exceed what C2 compiles
     * without boxing (16 accumulators and 16 activation loads per method).
     */
    int MAX_TOKENS = 6;

    /**
     * {@code out[outOff + b * outStride + r] = dot(w, r * rowBytes, x, xOff + b * n, n)} for every
     * row {@code r} in {@code [from, to)} and token {@code b < tokens} (2 to {@link #MAX_TOKENS}).
     */
    void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride);
}
