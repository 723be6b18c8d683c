package dev.cria.cli;

import dev.cria.kernels.MachineProbeKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadBandwidthTest {
    private static final long BYTES = 64L << 20;
    /**
     * Larger than any last-level cache a machine of this kind may have: with 64 MiB, two threads read
     * 108.9 GB/s against one's 35.7 (3.05x) on an EPYC host whose L3 held most of the buffer, though
     * the VM reports 32 MiB; the "at most twice" claim is about memory, not cache.
     */
    private static final long BEYOND_CACHE = 512L << 20;

    /**
     * The figure is bytes / best time, so figure * (wall time of the whole call) is at least the
     * bytes of all passes: a wrong unit or a byte count too small comes out below. It is also at
     * most what the cores can load, 3 vector loads per cycle at 7 GHz each: a read loop the JIT
     * dropped, or a byte count too large, comes out above.
     */
    @Test
    void theFigureAccountsForTheBytesOfEveryPass() {
        int threads = 2, repetitions = 3;
        long start = System.nanoTime();
        double gbps = ReadBandwidth.measureGBps(BYTES, threads, repetitions);
        double wallSeconds = (System.nanoTime() - start) / 1e9;

        assertThat(gbps * 1e9 * wallSeconds).as("bytes the figure implies over the call").isGreaterThanOrEqualTo((double) repetitions * BYTES);
        assertThat(gbps).as("GB/s").isLessThanOrEqualTo(threads * 3.0 * MachineProbeKernels.READ_VECTOR_BYTES * 7);
    }

    /**
     * Each of two threads reads half the buffer, so two threads read at most about twice as fast as
     * one: a figure that counts the whole buffer once per thread comes out above wherever one thread
     * gets more than ~2/3 of two threads' bandwidth. Load from other processes mostly slows the
     * two-thread run (it waits for its slowest thread), so the bound does not flake on a busy
     * machine; the lower bound only says the two figures are of one order. A warm-up pass first: the
     * first passes of a fresh JVM run the Vector API interpreted, tens of times slower.
     */
    @Test
    void twoThreadsReadAtMostTwiceAsFastAsOne() {
        ReadBandwidth.measureGBps(BYTES, 2, 2);
        double one = ReadBandwidth.measureGBps(BEYOND_CACHE, 1, 3);
        double two = ReadBandwidth.measureGBps(BEYOND_CACHE, 2, 3);

        assertThat(two / one).as("two threads %.1f GB/s, one %.1f GB/s", two, one).isBetween(0.2, 2.6);
    }

    /** Every byte of the buffer is in exactly one thread's slice, and slices start on whole vectors. */
    @ParameterizedTest(name = "{0} bytes, {1} threads")
    @CsvSource({"1073741824, 2", "1073741824, 16", "1000003, 3", "100, 4", "7, 1"})
    void theSlicesCoverTheBufferOnce(long bytes, int threads) {
        assertThat(ReadBandwidth.sliceStart(bytes, threads, 0)).isZero();
        assertThat(ReadBandwidth.sliceStart(bytes, threads, threads)).isEqualTo(bytes);
        for (int t = 0; t < threads; t++) {
            long from = ReadBandwidth.sliceStart(bytes, threads, t), to = ReadBandwidth.sliceStart(bytes, threads, t + 1);
            assertThat(to).as("end of slice %d", t).isGreaterThanOrEqualTo(from);
            assertThat(from % MachineProbeKernels.READ_VECTOR_BYTES).as("start of slice %d", t).isZero();
        }
    }

    @Test
    void rejectsANonPositiveThreadCount() {
        assertThatThrownBy(() -> ReadBandwidth.measureGBps(1 << 20, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: must be positive, got 0");
    }
}
