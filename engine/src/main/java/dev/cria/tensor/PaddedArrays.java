package dev.cria.tensor;

/**
 * Per-thread scratch arrays that a compute thread rewrites in a hot loop, with {@link #PAD} unused
 * floats at both ends: the part in use starts at index {@code PAD}, so no other object shares a
 * cache line with what the thread writes.
 *
 * <p>Why: the heap places small arrays of different threads next to each other (allocation order,
 * then the collector's copying order), so a thread rewriting, say, a row's decoded scales could
 * invalidate a line the other thread was reading, on every row (false sharing), in some runs and not
 * in others. Measured:
 * <ul>
 *   <li>the Q4_K one-token kernel, two threads, 1 GiB of rows: 12.1-12.8 cycles per 32 weights with
 *       its scales at index 0 of a plain array, 8.7-8.9 with them 128 bytes in;</li>
 *   <li>attention at position 32k (1B Q4_0, two threads on neighbouring kv heads): 6.6-7.1 -> 7.7-7.8
 *       tokens/s with a q8_0 cache, 5.2-5.5 -> 6.0-6.6 with f16, with the scratch padded and each
 *       head's output accumulated here and copied out once.</li>
 * </ul>
 * 128 bytes rather than 64 because the L2 fetches lines in adjacent pairs.
 */
public final class PaddedArrays {
    /** Unused floats at each end: 128 bytes. */
    public static final int PAD = 32;

    private PaddedArrays() {
    }

    /** A float array with room for {@code n} values at {@code [PAD, PAD + n)}. */
    public static float[] floats(int n) {
        return new float[PAD + n + PAD];
    }

    /** {@code a} if it has room for {@code n} values from {@code PAD} on, else a new {@link #floats} array. */
    public static float[] atLeast(float[] a, int n) {
        return a.length >= PAD + n + PAD ? a : floats(n);
    }
}
