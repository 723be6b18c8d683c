package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The {@link Q4_0Interleaved} integer kernels of this CPU's vector width: {@link Q4_0InterleavedDot}
 * with AVX-512, {@link Q4_0InterleavedDot256} without ({@link Kernels#vectorBits}). The same
 * signatures and the same bits either way, so a driver calls these and does not choose. The
 * choice is a constant: C2 folds it where it inlines these forwarders, and calls the kernel,
 * compiled on its own (bin/jdk25.sh keeps the kernels out of line).
 */
final class Q4_0InterleavedDotForCpu {
    /** Whether the 512-bit kernels run: a constant, so that C2 drops the other branch. */
    private static final boolean WIDE = Kernels.vectorBits() == 512;

    private Q4_0InterleavedDotForCpu() {
    }

    /** {@link Q4_0InterleavedDot#group} or {@link Q4_0InterleavedDot256#group}. */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb, float[] out, int outOff) {
        if (WIDE) Q4_0InterleavedDot.group(w, o, q, qOff, dx, bias, bOff, nb, out, outOff);
        else Q4_0InterleavedDot256.group(w, o, q, qOff, dx, bias, bOff, nb, out, outOff);
    }

    /** {@link Q4_0InterleavedDot#groups2} or {@link Q4_0InterleavedDot256#groups2}. */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, int[] bias, int bOff, int nb,
                        float[] out, int outA, int outB) {
        if (WIDE) Q4_0InterleavedDot.groups2(w, oa, ob, q, qOff, dx, bias, bOff, nb, out, outA, outB);
        else Q4_0InterleavedDot256.groups2(w, oa, ob, q, qOff, dx, bias, bOff, nb, out, outA, outB);
    }

    /** {@link Q4_0InterleavedDot#group4} or {@link Q4_0InterleavedDot256#group4}. */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, int[] bias, int bOff, int nb,
                       float[] out, int outOff, int outStride) {
        if (WIDE) Q4_0InterleavedDot.group4(w, o, q, qOff, n, dx, bias, bOff, nb, out, outOff, outStride);
        else Q4_0InterleavedDot256.group4(w, o, q, qOff, n, dx, bias, bOff, nb, out, outOff, outStride);
    }
}
