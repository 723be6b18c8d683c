package dev.cria.kernels;

import dev.cria.util.HugePages;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A STREAM-like memory read bandwidth figure for {@code cria bench} to print beside its tokens
 * per second: decoding a token reads every weight once, so this is the ceiling a memory-bound
 * matvec can approach. Like STREAM's advice, the buffer should be far larger than the last-level
 * cache (default 1 GiB).
 *
 * <p>Each of {@code threads} platform threads sums its contiguous slice of one off-heap buffer
 * with full-width {@link LongVector} loads into four independent accumulators (so the adds never
 * limit the loads); the sums are kept so the JIT cannot drop the reads. The
 * buffer is written first, so its pages are real memory rather than the shared zero page.
 * The figure is the best of several repetitions, in GB/s of 10^9 bytes.
 */
public final class ReadBandwidth {
    public static final long DEFAULT_BYTES = 1L << 30;
    public static final int DEFAULT_REPETITIONS = 7;

    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final int UNROLL = 4;

    private ReadBandwidth() {
    }

    /** {@link #measureGBps(long, int, int)} with {@link #DEFAULT_REPETITIONS}. */
    public static double measureGBps(long bytes, int threads) {
        return measureGBps(bytes, threads, DEFAULT_REPETITIONS);
    }

    /**
     * Best read bandwidth over {@code repetitions} passes over a fresh {@code bytes}-long
     * off-heap buffer, read by {@code threads} platform threads.
     *
     * @return GB/s (10^9 bytes per second), positive and finite
     * @throws IllegalArgumentException if an argument is not positive
     */
    public static double measureGBps(long bytes, int threads, int repetitions) {
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
        // Slices are whole vectors; the last thread also takes the tail.
        long vectorBytes = SPECIES.vectorByteSize();
        long slice = bytes / threads / vectorBytes * vectorBytes;
        double seconds = ParallelRepetitions.bestSeconds("read-bandwidth", threads, repetitions,
                t -> sum(buffer, t * slice, t == threads - 1 ? bytes : (t + 1) * slice));
        return bytes / seconds / 1e9;
    }

    /** Sum of the longs in {@code [from, to)} of {@code segment}, read a vector at a time. */
    static long sum(MemorySegment segment, long from, long to) {
        ByteOrder order = ByteOrder.nativeOrder();
        long step = SPECIES.vectorByteSize();
        LongVector a0 = LongVector.zero(SPECIES);
        LongVector a1 = a0;
        LongVector a2 = a0;
        LongVector a3 = a0;
        long i = from;
        for (long end = to - UNROLL * step; i <= end; i += UNROLL * step) {
            a0 = a0.add(LongVector.fromMemorySegment(SPECIES, segment, i, order));
            a1 = a1.add(LongVector.fromMemorySegment(SPECIES, segment, i + step, order));
            a2 = a2.add(LongVector.fromMemorySegment(SPECIES, segment, i + 2 * step, order));
            a3 = a3.add(LongVector.fromMemorySegment(SPECIES, segment, i + 3 * step, order));
        }
        for (; i <= to - step; i += step) {
            a0 = a0.add(LongVector.fromMemorySegment(SPECIES, segment, i, order));
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

    /** {@code java --add-modules jdk.incubator.vector dev.cria.kernels.ReadBandwidth [bytes] [threads]}. */
    public static void main(String[] args) {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : DEFAULT_BYTES;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        System.out.printf("read bandwidth: %.1f GB/s (%d MiB, %d threads)%n",
                measureGBps(bytes, threads), bytes >> 20, threads);
    }
}
