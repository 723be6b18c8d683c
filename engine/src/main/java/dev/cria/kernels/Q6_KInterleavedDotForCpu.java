package dev.cria.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The {@link Q6_KInterleaved} integer kernels of this CPU's vector width: {@link Q6_KInterleavedDot}
 * with AVX-512, {@link Q6_KInterleavedDot256} without ({@link Kernels#vectorBits}). The same
 * signatures and the same bits either way, so a driver calls these and does not choose. The
 * choice is a constant: C2 folds it where it inlines these forwarders, and calls the kernel,
 * compiled on its own (bin/jdk25.sh keeps the kernels out of line).
 */
final class Q6_KInterleavedDotForCpu {
    /** Whether the 512-bit kernels run: a constant, so that C2 drops the other branch. */
    private static final boolean WIDE = Kernels.vectorBits() == 512;

    private Q6_KInterleavedDotForCpu() {
    }

    /** {@link Q6_KInterleavedDot#group} or {@link Q6_KInterleavedDot256#group}. */
    static void group(MemorySegment w, long o, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb, float[] out, int outOff) {
        if (WIDE) Q6_KInterleavedDot.group(w, o, q, sum8, qOff, dx, dOff, nb, out, outOff);
        else Q6_KInterleavedDot256.group(w, o, q, sum8, qOff, dx, dOff, nb, out, outOff);
    }

    /** {@link Q6_KInterleavedDot#groups2} or {@link Q6_KInterleavedDot256#groups2}. */
    static void groups2(MemorySegment w, long oa, long ob, int[] q, int[] sum8, int qOff, float[] dx, int dOff, int nb,
                        float[] out, int outA, int outB) {
        if (WIDE) Q6_KInterleavedDot.groups2(w, oa, ob, q, sum8, qOff, dx, dOff, nb, out, outA, outB);
        else Q6_KInterleavedDot256.groups2(w, oa, ob, q, sum8, qOff, dx, dOff, nb, out, outA, outB);
    }

    /** {@link Q6_KInterleavedDot#group4} or {@link Q6_KInterleavedDot256#group4}. */
    static void group4(MemorySegment w, long o, int[] q, int[] sum8, int qOff, int n, float[] dx, int dOff, int nb,
                       float[] out, int outOff, int outStride) {
        if (WIDE) Q6_KInterleavedDot.group4(w, o, q, sum8, qOff, n, dx, dOff, nb, out, outOff, outStride);
        else Q6_KInterleavedDot256.group4(w, o, q, sum8, qOff, n, dx, dOff, nb, out, outOff, outStride);
    }
}
