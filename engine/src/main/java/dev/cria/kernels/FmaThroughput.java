package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float multiply-add rate, for {@code cria bench} to print beside prompt-processing
 * figures: a prompt is a batched matmul, so this is its arithmetic ceiling, as {@link ReadBandwidth}
 * is generation's memory ceiling.
 *
 * <p>Each of {@code threads} platform threads runs fused multiply-adds on vectors of the kernels'
 * width ({@link Kernels#vectorBits}) into {@value #CHAINS} independent register accumulators, enough to cover the
 * FMA latency on two FMA ports; nothing is loaded from memory. The figure is the best of several
 * repetitions, in 10^9 multiply-adds (vector lanes) per second, all threads together.
 */
public final class FmaThroughput {
    public static final int DEFAULT_REPETITIONS = 5;
    static final int CHAINS = 8;
    private static final long STEPS = 20_000_000L;
    static final VectorSpecies<Float> S = Kernels.vectorBits() == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;

    private FmaThroughput() {
    }

    /** {@link #measureGmacs(int, int, long)} with the defaults. */
    public static double measureGmacs(int threads) {
        return measureGmacs(threads, DEFAULT_REPETITIONS, STEPS);
    }

    /**
     * Best multiply-add rate over {@code repetitions} runs of {@code steps} loop steps per thread
     * ({@value #CHAINS} vector FMAs each).
     *
     * @return 10^9 multiply-adds per second, positive and finite
     * @throws IllegalArgumentException if an argument is not positive
     */
    public static double measureGmacs(int threads, int repetitions, long steps) {
        if (threads <= 0) throw new IllegalArgumentException("threads: must be positive, got " + threads);
        if (repetitions <= 0) throw new IllegalArgumentException("repetitions: must be positive, got " + repetitions);
        if (steps <= 0) throw new IllegalArgumentException("steps: must be positive, got " + steps);
        run(steps / 10); // compiled before the timed runs
        double seconds = ParallelRepetitions.bestSeconds("fma-throughput", threads, repetitions, t -> run(steps));
        return (double) threads * steps * CHAINS * S.length() / seconds / 1e9;
    }

    /** {@code steps} rounds of {@value #CHAINS} independent FMAs; a contraction towards 1, so the values stay normal. */
    static float run(long steps) {
        FloatVector m = FloatVector.broadcast(S, 0.999f), c = FloatVector.broadcast(S, 0.001f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3);
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
}
