package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The {@link Q4_KInterleaved} integer kernels of this CPU's vector width: {@link Q4_KInterleavedDot}
 * with AVX-512, {@link Q4_KInterleavedDot256} without ({@link Kernels#vectorBits}). The same
 * signatures and the same bits either way, so a driver calls these and does not choose. The
 * choice is a constant: C2 folds it where it inlines these forwarders, and calls the kernel,
 * compiled on its own (bin/jdk25.sh keeps the kernels out of line).
 */
final class Q4_KInterleavedDotForCpu {
    /** Whether the 512-bit kernels run: a constant, so that C2 drops the other branch. */
    private static final boolean WIDE = Kernels.vectorBits() == 512;

    private Q4_KInterleavedDotForCpu() {
    }

    /** {@link Q4_KInterleavedDot#group} or {@link Q4_KInterleavedDot256#group}. */
    static void group(MemorySegment w, long o, short[] q, int qOff, float[] dx, int[] bias, int dOff, int nb, float[] out, int outOff, int[] sums) {
        if (WIDE) Q4_KInterleavedDot.group(w, o, q, qOff, dx, bias, dOff, nb, out, outOff, sums);
        else Q4_KInterleavedDot256.group(w, o, q, qOff, dx, bias, dOff, nb, out, outOff, sums);
    }

    /** {@link Q4_KInterleavedDot#groups2} or {@link Q4_KInterleavedDot256#groups2}. */
    static void groups2(MemorySegment w, long oa, long ob, short[] q, int qOff, float[] dx, int[] bias, int dOff, int nb,
                        float[] out, int outA, int outB, int[] sums) {
        if (WIDE) Q4_KInterleavedDot.groups2(w, oa, ob, q, qOff, dx, bias, dOff, nb, out, outA, outB, sums);
        else Q4_KInterleavedDot256.groups2(w, oa, ob, q, qOff, dx, bias, dOff, nb, out, outA, outB, sums);
    }

    /** {@link Q4_KInterleavedDot#group4} or {@link Q4_KInterleavedDot256#group4}. */
    static void group4(MemorySegment w, long o, short[] q, int qOff, int n, float[] dx, int[] bias, int dOff, int nb,
                       float[] out, int outOff, int outStride, int[] sums) {
        if (WIDE) Q4_KInterleavedDot.group4(w, o, q, qOff, n, dx, bias, dOff, nb, out, outOff, outStride, sums);
        else Q4_KInterleavedDot256.group4(w, o, q, qOff, n, dx, bias, dOff, nb, out, outOff, outStride, sums);
    }
}
