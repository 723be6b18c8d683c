package dev.cria.cli;

import dev.cria.kernels.MachineProbeKernels;
import dev.cria.util.HugePages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A STREAM-like memory read bandwidth figure for {@code cria bench} to print beside its tokens
 * per second: decoding a token reads every weight once, so this is the ceiling a memory-bound
 * matvec can approach. Like STREAM's advice, the buffer should be far larger than the last-level
 * cache (default 1 GiB).
 *
 * <p>Each of {@code threads} platform threads sums its contiguous slice of one off-heap buffer
 * with {@link MachineProbeKernels#sumLongs} (full-width vector loads into four independent
 * accumulators, so the adds never limit the loads); the sums are kept so the JIT cannot drop the reads. The
 * buffer is written first, so its pages are real memory rather than the shared zero page.
 * The figure is the best of several repetitions, in GB/s of 10^9 bytes.
 */
final class ReadBandwidth {
    static final long DEFAULT_BYTES = 1L << 30;
    static final int DEFAULT_REPETITIONS = 7;

    private ReadBandwidth() {
    }

    /** {@link #measureGBps(long, int, int)} with {@link #DEFAULT_REPETITIONS}. */
    static double measureGBps(long bytes, int threads) {
        return measureGBps(bytes, threads, DEFAULT_REPETITIONS);
    }

    /**
     * Best read bandwidth over {@code repetitions} passes over a fresh {@code bytes}-long
     * off-heap buffer, read by {@code threads} platform threads.
     *
     * @return GB/s (10^9 bytes per second)
     * @throws IllegalArgumentException if an argument is not positive
     */
    static double measureGBps(long bytes, int threads, int repetitions) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: must be positive, got " + bytes);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: must be positive, got " + threads);
        }
        if (repetitions <= 0) {
            throw new IllegalArgumentException("repetitions: must be positive, got " + repetitions);
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = HugePages.allocate(arena, bytes); // as the weights are (see HugePages)
            buffer.fill((byte) 1);
            return bestOf(buffer, threads, repetitions);
        }
    }

    private static double bestOf(MemorySegment buffer, int threads, int repetitions) {
        long bytes = buffer.byteSize();
        double seconds = ParallelRepetitions.bestSeconds("read-bandwidth", threads, repetitions,
                t -> MachineProbeKernels.sumLongs(buffer, sliceStart(bytes, threads, t), sliceStart(bytes, threads, t + 1)));
        return bytes / seconds / 1e9;
    }

    /**
     * Where thread {@code t}'s slice of a {@code bytes}-long buffer starts ({@code t = threads}: the
     * end, {@code bytes}). Slices are whole vectors of {@link MachineProbeKernels#sumLongs}; the
     * last thread also takes the tail.
     */
    static long sliceStart(long bytes, int threads, int t) {
        long vectorBytes = MachineProbeKernels.READ_VECTOR_BYTES;
        long slice = bytes / threads / vectorBytes * vectorBytes;
        return t == threads ? bytes : t * slice;
    }

    /** {@code java --add-modules jdk.incubator.vector dev.cria.cli.ReadBandwidth [bytes] [threads]}. */
    public static void main(String[] args) {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_BYTES;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        System.out.printf("read bandwidth: %.1f GB/s (%d MiB, %d threads)%n",
                measureGBps(bytes, threads), bytes >> 20, threads);
    }
}
