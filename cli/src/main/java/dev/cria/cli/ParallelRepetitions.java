package dev.cria.cli;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * The timing harness of the machine ceilings {@link ReadBandwidth} and {@link FmaThroughput}: a task
 * runs on several platform threads at once, several times, and the fastest repetition counts (as
 * STREAM reports its best pass). Each repetition starts and ends with all threads meeting at a
 * barrier, so it times the slowest thread.
 *
 * <p>The clock is read by the barrier's action, which runs when the last thread arrives and before
 * any is released: the start is read before any thread begins its share and the end after all have
 * finished. (A separate timer thread that reads the clock after the barrier releases it may be
 * descheduled past the whole repetition on a busy machine, and then times nearly nothing: on two
 * loaded cores that gave 46,000 G multiply-adds/s.)
 */
final class ParallelRepetitions {
    /** One thread's share of one repetition; its result is kept so that the work is not dead code. */
    interface Task {
        double run(int thread);
    }

    private static volatile double sink;

    private ParallelRepetitions() {
    }

    /** Seconds of the fastest of {@code repetitions} runs of {@code task} on {@code threads} threads named {@code name-i}. */
    static double bestSeconds(String name, int threads, int repetitions, Task task) {
        double[] kept = new double[threads];
        // clock[2r] and clock[2r + 1]: start and end of repetition r, written by the barrier's action
        long[] clock = new long[2 * repetitions];
        int[] trips = new int[1];
        CyclicBarrier barrier = new CyclicBarrier(threads, () -> clock[trips[0]++] = System.nanoTime());
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = Thread.ofPlatform().daemon().name(name + "-" + t).start(() -> {
                for (int r = 0; r < repetitions; r++) {
                    await(barrier, name);
                    kept[index] += task.run(index);
                    await(barrier, name);
                }
            });
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted", e);
            }
        }
        if (trips[0] != clock.length) throw new IllegalStateException(name + ": a thread failed");
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < repetitions; r++) best = Math.min(best, Math.max(clock[2 * r + 1] - clock[2 * r], 1) / 1e9);
        double total = 0;
        for (double k : kept) total += k;
        sink = total;
        return best;
    }

    private static void await(CyclicBarrier barrier, String name) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException(name + ": a thread failed", e);
        }
    }
}
