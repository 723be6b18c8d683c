package dev.cria.cli;

import dev.cria.kernels.MachineProbeKernels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FmaThroughputTest {
    private static final long STEPS = 1_000_000;

    /**
     * The figure is work / best time, so figure * (wall time of the whole call) is at least the work
     * of all repetitions: a rate in the wrong unit or a count that misses the lanes or the chains
     * comes out smaller. It is also at most what the machine can do, 8 FMAs per cycle per core at
     * 7 GHz (x86 cores issue 2): a loop the JIT dropped, or a count too high, comes out above.
     */
    @Test
    void theRateAccountsForTheMultiplyAddsOfTheTimedLoop() {
        int threads = 2, repetitions = 3;
        long start = System.nanoTime();
        double gmacs = FmaThroughput.measureGmacs(threads, repetitions, STEPS);
        double wallSeconds = (System.nanoTime() - start) / 1e9;

        double work = (double) threads * STEPS * MachineProbeKernels.FMA_CHAINS * MachineProbeKernels.FMA_LANES;
        assertThat(gmacs * 1e9 * wallSeconds).as("multiply-adds the rate implies over the call").isGreaterThanOrEqualTo(repetitions * work);
        assertThat(gmacs).as("G multiply-adds/s").isLessThanOrEqualTo(threads * 8.0 * MachineProbeKernels.FMA_LANES * 7);
    }

    @Test
    void rejectsANonPositiveThreadCount() {
        assertThatThrownBy(() -> FmaThroughput.measureGmacs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: must be positive, got 0");
    }
}
