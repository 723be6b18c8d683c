package dev.cria.bench;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.RangeTask;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The hand-off of {@link ComputePool#parallelFor}: one call of about 24 us of work on one thread
 * (the size of a 1B model's K projection), after {@code gapMicros} of serial work on the calling
 * thread, as a token's serial parts (norms, quantizing the activations, sampling) sit between its
 * matmuls. With two threads the call takes about half the one-thread time while the gap is shorter
 * than the worker's spin ({@code ComputePool.SPIN_NANOS}); after a longer gap the worker has parked
 * and the call pays its wake-up, and on a VM sometimes more (docs/benchmarks.md, "Threads"). Sample
 * mode, so the percentiles show the slow calls too.
 * Run: {@code bin/jmh ComputePool -f 1 -wi 2 -i 3 -w 1s -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComputePoolBenchmark {
    @Param({"1", "2"})
    public int threads;

    @Param({"0", "30", "300", "3000"})
    public int gapMicros;

    /** Indices per call, and the work per index: about 24 us per call on one thread here (Zen 4). */
    private static final int INDICES = 64, WORK_TOKENS = 200;

    private ComputePool pool;
    private RangeTask work;

    @Setup(Level.Trial)
    public void setup() {
        pool = new ComputePool(threads);
        work = (from, to) -> {
            for (int i = from; i < to; i++) Blackhole.consumeCPU(WORK_TOKENS);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** The serial gap on the calling thread before each call (not timed). */
    @Setup(Level.Invocation)
    public void gap() {
        long end = System.nanoTime() + gapMicros * 1000L;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    /** One parallel call after the gap: what the pool's hand-off decides. */
    @Benchmark
    public void call() {
        pool.parallelFor(INDICES, work);
    }
}
