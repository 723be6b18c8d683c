package dev.cria.cli;

import dev.cria.kernels.Kernels;
import dev.cria.kernels.MachineProbeKernels;

/**
 * The machine's float multiply-add rate, for {@code cria bench} to print beside prompt-processing
 * figures: a prompt is a batched matmul, so this is its arithmetic ceiling, as {@link ReadBandwidth}
 * is generation's memory ceiling.
 *
 * <p>Each of {@code threads} platform threads runs {@link MachineProbeKernels#fmaChains}: fused
 * multiply-adds on vectors of the kernels' width ({@link Kernels#vectorBits}) into
 * {@value MachineProbeKernels#FMA_CHAINS} independent register accumulators, nothing loaded from
 * memory. The figure is the best of several repetitions, in 10^9 multiply-adds (vector lanes) per
 * second, all threads together.
 */
final class FmaThroughput {
    static final int DEFAULT_REPETITIONS = 5;
    private static final long STEPS = 20_000_000L;

    private FmaThroughput() {
    }

    /** {@link #measureGmacs(int, int, long)} with the defaults. */
    static double measureGmacs(int threads) {
        return measureGmacs(threads, DEFAULT_REPETITIONS, STEPS);
    }

    /**
     * Best multiply-add rate over {@code repetitions} runs of {@code steps} loop steps per thread
     * ({@value MachineProbeKernels#FMA_CHAINS} vector FMAs each).
     *
     * @return 10^9 multiply-adds per second
     * @throws IllegalArgumentException if an argument is not positive
     */
    static double measureGmacs(int threads, int repetitions, long steps) {
        if (threads <= 0) throw new IllegalArgumentException("threads: must be positive, got " + threads);
        if (repetitions <= 0) throw new IllegalArgumentException("repetitions: must be positive, got " + repetitions);
        if (steps <= 0) throw new IllegalArgumentException("steps: must be positive, got " + steps);
        MachineProbeKernels.fmaChains(steps / 10); // compiled before the timed runs
        double seconds = ParallelRepetitions.bestSeconds("fma-throughput", threads, repetitions, t -> MachineProbeKernels.fmaChains(steps));
        return (double) threads * steps * MachineProbeKernels.FMA_CHAINS * MachineProbeKernels.FMA_LANES / seconds / 1e9;
    }
}
