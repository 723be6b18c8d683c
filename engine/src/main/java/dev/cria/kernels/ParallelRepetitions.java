package dev.cria.kernels;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * The timing harness of the machine ceilings {@link ReadBandwidth} and {@link FmaThroughput}: a task
 * runs on several platform threads at once, several times, and the fastest repetition counts (as
 * STREAM reports its best pass). Each repetition starts and ends with all threads and the timer
 * meeting at a barrier, so it times the slowest thread.
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
        CyclicBarrier barrier = new CyclicBarrier(threads + 1);
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
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < repetitions; r++) {
            await(barrier, name);
            long start = System.nanoTime();
            await(barrier, name);
            best = Math.min(best, Math.max(System.nanoTime() - start, 1) / 1e9);
        }
        double total = 0;
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted", e);
            }
        }
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
