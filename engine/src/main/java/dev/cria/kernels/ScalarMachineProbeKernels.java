package dev.cria.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Plain-loop twins of {@link MachineProbeKernels}. */
final class ScalarMachineProbeKernels {
    private ScalarMachineProbeKernels() {
    }

    /**
     * The chains of {@link MachineProbeKernels#fmaChains} one at a time, each lane's value counted
     * {@code lanes} times: every lane runs the same {@link Math#fma} chain, so the chains' values
     * have the vector's bits; the final sum of {@code 8 * lanes} values is in double here, while
     * {@code reduceLanes(ADD)} adds in float in an unspecified order.
     */
    static double fmaChains(long steps, int lanes) {
        double total = 0;
        for (int chain = 0; chain < MachineProbeKernels.FMA_CHAINS; chain++) {
            float a = 1f + chain;
            for (long i = 0; i < steps; i++) a = Math.fma(a, 0.999f, 0.001f);
            total += (double) a * lanes;
        }
        return total;
    }

    /** The longs of {@code [from, to)} one at a time (native byte order), then a tail shorter than a long as bytes. */
    static long sumLongs(MemorySegment segment, long from, long to) {
        long total = 0;
        long i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) total += segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        for (; i < to; i++) total += segment.get(ValueLayout.JAVA_BYTE, i);
        return total;
    }
}
