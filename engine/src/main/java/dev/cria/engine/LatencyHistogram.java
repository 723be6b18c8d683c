package dev.cria.engine;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Latencies in fixed buckets (seconds), recorded by the engine loop and read by anyone. */
final class LatencyHistogram {
    static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60};

    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);
    private final DoubleAdder sum = new DoubleAdder();
    private final LongAdder count = new LongAdder();

    void observeNanos(long nanos) {
        double s = nanos / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (s <= BOUNDS[i]) {
                buckets.incrementAndGet(i);
                break;
            }
        }
        sum.add(s);
        count.increment();
    }

    EngineStats.Histogram snapshot() {
        long[] cumulative = new long[BOUNDS.length];
        long run = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            run += buckets.get(i);
            cumulative[i] = run;
        }
        return new EngineStats.Histogram(BOUNDS.clone(), cumulative, sum.sum(), count.sum());
    }
}
