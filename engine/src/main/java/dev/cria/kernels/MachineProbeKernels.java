package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The inner loops of {@code cria bench}'s machine ceilings (the timing is the bench command's): a
 * loop of independent vector FMAs, the arithmetic ceiling of a prompt's batched matmul, and a vector
 * sum over memory, the read-bandwidth ceiling of a token's matvecs. {@link ScalarMachineProbeKernels}
 * holds their scalar twins.
 */
public final class MachineProbeKernels {
    /** Independent accumulators of {@link #fmaChains}: enough to cover the FMA latency on two FMA ports. */
    public static final int FMA_CHAINS = 8;
    private static final VectorSpecies<Float> FMA = Kernels.vectorBits() == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    /** Multiply-adds per vector FMA: the kernels' width ({@link Kernels#vectorBits}) in floats. */
    public static final int FMA_LANES = FMA.length();

    private static final VectorSpecies<Long> READ = LongVector.SPECIES_PREFERRED;
    /** Bytes per load of {@link #sumLongs}. */
    public static final int READ_VECTOR_BYTES = READ.vectorByteSize();
    private static final int UNROLL = 4;

    private MachineProbeKernels() {
    }

    /**
     * {@code steps} rounds of {@value #FMA_CHAINS} independent vector FMAs
     * ({@code steps * FMA_CHAINS * FMA_LANES} multiply-adds), nothing loaded from memory; each maps
     * a to 0.999 a + 0.001, a contraction towards 1, so the values stay normal. Returns the sum of
     * all lanes of all chains, which the caller keeps so that the JIT cannot drop the loop.
     */
    public static float fmaChains(long steps) {
        FloatVector m = FloatVector.broadcast(FMA, 0.999f), c = FloatVector.broadcast(FMA, 0.001f);
        FloatVector a0 = FloatVector.broadcast(FMA, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
        FloatVector a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7);
        for (long i = 0; i < steps; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Sum of the longs in {@code [from, to)} of {@code segment} (native byte order), read a vector at
     * a time into four independent accumulators so that the adds never limit the loads; a tail
     * shorter than a vector is read as longs, then bytes.
     */
    public static long sumLongs(MemorySegment segment, long from, long to) {
        ByteOrder order = ByteOrder.nativeOrder();
        long step = READ.vectorByteSize();
        LongVector a0 = LongVector.zero(READ);
        LongVector a1 = a0;
        LongVector a2 = a0;
        LongVector a3 = a0;
        long i = from;
        for (long end = to - UNROLL * step; i <= end; i += UNROLL * step) {
            a0 = a0.add(LongVector.fromMemorySegment(READ, segment, i, order));
            a1 = a1.add(LongVector.fromMemorySegment(READ, segment, i + step, order));
            a2 = a2.add(LongVector.fromMemorySegment(READ, segment, i + 2 * step, order));
            a3 = a3.add(LongVector.fromMemorySegment(READ, segment, i + 3 * step, order));
        }
        for (; i <= to - step; i += step) {
            a0 = a0.add(LongVector.fromMemorySegment(READ, segment, i, order));
        }
        long total = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            total += segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
        }
        for (; i < to; i++) {
            total += segment.get(ValueLayout.JAVA_BYTE, i);
        }
        return total;
    }
}
