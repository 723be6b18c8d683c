package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A kernel that multiplies a range of rows with a small group of tokens (2 to {@link #maxTokens})
 * in passes of up to four tokens over the weights: each weight vector is decoded once per pass, in
 * registers, and multiplied into every token's accumulators. This is continuous batching's decode step with a few
 * sequences (one token each), where the tile path ({@link SplitTile}) pays for storing and
 * reloading the decoded rows and, below four tokens, for padding. Each (row, token) result is
 * bit-identical to {@link WeightKernel#dot}: the same decoded floats summed in {@link FloatDot}'s
 * order, so a request's tokens do not depend on how many others share its step.
 *
 * <p>Each type writes its passes out in full, a two-token and a four-token method that differ only
 * in how many accumulators they carry: a helper shared between them would have to return several
 * vectors, which C2 can only do by boxing them, and the two-token method is not the four-token one
 * padded (docs/benchmarks.md, "Token-group kernels", has the measurements).
 */
interface TokenGroupKernel {
    /**
     * The most tokens one call takes by default; larger batches use the tile path. The kernels take
     * tokens four (or two) at a time per pass over a row, so five or six tokens cost a second,
     * shorter pass; from seven tokens on the tile is faster for types whose decode is costly
     * (docs/benchmarks.md, "Token-group kernels"). Eight in one pass exceed what C2 compiles without
     * boxing (16 accumulators and 16 activation loads per method).
     */
    int MAX_TOKENS = 6;

    /**
     * The most tokens this kernel takes in one call: {@link #MAX_TOKENS} unless it measured faster
     * than the tile beyond it.
     */
    default int maxTokens() {
        return MAX_TOKENS;
    }

    /**
     * {@code out[outOff + b * outStride + r] = dot(w, r * rowBytes, x, xOff + b * n, n)} for every
     * row {@code r} in {@code [from, to)} and token {@code b < tokens} (2 to {@link #maxTokens}).
     */
    void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride);
}
