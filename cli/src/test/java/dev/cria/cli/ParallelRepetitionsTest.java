package dev.cria.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

class ParallelRepetitionsTest {
    @Test
    void everyThreadRunsItsShareInEveryRepetition() {
        AtomicIntegerArray calls = new AtomicIntegerArray(3);

        double seconds = ParallelRepetitions.bestSeconds("test", 3, 4, t -> calls.incrementAndGet(t));

        assertThat(seconds).isPositive().isFinite();
        for (int t = 0; t < 3; t++) assertThat(calls.get(t)).as("thread %d", t).isEqualTo(4);
    }

    /** Sleeps last at least as long as asked: the time of a repetition covers every thread's whole share. */
    @Test
    void aRepetitionLastsAsLongAsItsSlowestThread() {
        double seconds = ParallelRepetitions.bestSeconds("test", 2, 3, t -> {
            try {
                Thread.sleep(t == 1 ? 40 : 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        });

        assertThat(seconds).isGreaterThanOrEqualTo(0.040);
    }

    @Test
    void theFastestRepetitionCounts() {
        // the first repetition sleeps 1 s, the others do not: the best is far below that
        AtomicIntegerArray calls = new AtomicIntegerArray(1);
        double seconds = ParallelRepetitions.bestSeconds("test", 1, 3, t -> {
            if (calls.getAndIncrement(0) == 0) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        });

        assertThat(seconds).isLessThan(0.5);
    }
}
