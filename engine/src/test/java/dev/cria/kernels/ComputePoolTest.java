package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComputePoolTest {

    private static void assertEachIndexRunsOnce(ComputePool pool, int n) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        pool.parallelFor(n, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("index %d of %d", i, n).isEqualTo(1);
    }

    @Test
    void everyIndexRunsExactlyOnceForManySizes() {
        try (ComputePool pool = new ComputePool(2)) {
            for (int n : new int[]{1, 2, 3, 7, 8, 9, 100, 2048, 8193}) assertEachIndexRunsOnce(pool, n);
        }
        try (ComputePool pool = new ComputePool(3)) {
            for (int n : new int[]{1, 5, 13, 1000}) assertEachIndexRunsOnce(pool, n);
        }
    }

    @Test
    void workIsSharedBetweenTheCallerAndDaemonPlatformWorkers() throws Exception {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        try (ComputePool pool = new ComputePool(2)) {
            for (int call = 0; call < 200 && seen.size() < 2; call++) {
                pool.parallelFor(64, (from, to) -> {
                    seen.add(Thread.currentThread());
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                });
            }
        }
        assertThat(seen).contains(Thread.currentThread()).hasSize(2);
        for (Thread t : seen) {
            assertThat(t.isVirtual()).isFalse();
            if (t != Thread.currentThread()) assertThat(t.isDaemon()).isTrue();
        }
    }

    @Test
    void repeatedCallsCompleteAfterWorkersHaveParked() throws Exception {
        try (ComputePool pool = new ComputePool(2)) {
            for (int call = 0; call < 2000; call++) {
                if (call % 200 == 0) Thread.sleep(2); // longer than the spin: the worker parks
                assertEachIndexRunsOnce(pool, 1 + call % 97);
            }
        }
    }

    @Test
    void aTaskExceptionReachesTheCallerAndThePoolStaysUsable() {
        try (ComputePool pool = new ComputePool(2)) {
            assertThatThrownBy(() -> pool.parallelFor(100, (from, to) -> {
                if (from == 0) throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertEachIndexRunsOnce(pool, 100);
        }
    }

    @Test
    void aNestedCallRunsInlineInsteadOfDeadlocking() {
        try (ComputePool pool = new ComputePool(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(10 * 10);
            pool.parallelFor(10, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int outer = i;
                    pool.parallelFor(10, (f2, t2) -> {
                        for (int j = f2; j < t2; j++) hits.incrementAndGet(outer * 10 + j);
                    });
                }
            });
            for (int i = 0; i < 100; i++) assertThat(hits.get(i)).isEqualTo(1);
        }
    }

    @Test
    void aClosedPoolRefusesWorkAndZeroThreadsIsRejected() {
        ComputePool pool = new ComputePool(2);
        pool.close();
        assertThatThrownBy(() -> pool.parallelFor(4, (f, t) -> { })).hasMessageContaining("closed");
        assertThatThrownBy(() -> new ComputePool(0)).hasMessageContaining("at least 1 thread");
    }

    @Test
    void aSharedPoolRunsUntilItsLastUserClosesIt() {
        ComputePool pool = new ComputePool(2);
        pool.retain(); // a second engine (the Guard model) on the same threads
        pool.close();
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        pool.parallelFor(8, (f, t) -> done.addAndGet(t - f));
        assertThat(done.get()).isEqualTo(8);
        pool.close();
        assertThatThrownBy(() -> pool.parallelFor(4, (f, t) -> { })).hasMessageContaining("closed");
        assertThatThrownBy(pool::retain).hasMessageContaining("closed");
    }
}
