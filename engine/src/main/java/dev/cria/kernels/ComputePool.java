package dev.cria.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed pool of platform daemon threads for the kernels (never the common ForkJoinPool, which
 * other code may occupy). {@link #parallelFor} is called about a hundred times per token, so it
 * allocates nothing: the job lives in fields, workers spin briefly between calls (the next matmul
 * usually follows within microseconds) and park after {@link #SPIN_NANOS}; the calling thread takes
 * chunks too, and chunks are handed out dynamically so a descheduled worker delays nothing.
 */
public final class ComputePool implements AutoCloseable {
    /** How long an idle worker (or the waiting caller) spins before it parks. */
    static final long SPIN_NANOS = 50_000;
    /** Chunks per thread: a few, so that a slow thread's share is picked up by the others. */
    private static final int CHUNKS_PER_THREAD = 4;

    private final int threads;
    private final Worker[] workers;
    private final ReentrantLock callLock = new ReentrantLock();
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();

    // The current job, published to the workers by the volatile write of generation.
    private RangeTask task;
    private int n;
    private int chunkSize;
    private int chunks;
    private volatile long generation;
    private volatile Thread waitingCaller;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** Engines that use this pool: a second model (a Guard beside the main one) shares the threads. */
    private final AtomicInteger users = new AtomicInteger(1);

    /** A pool that runs work on {@code threads} threads in all: the caller plus {@code threads - 1} workers. */
    public ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("a compute pool needs at least 1 thread, got " + threads);
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("cria-compute-" + (i + 1));
            workers[i].start();
        }
    }

    /** Threads that run a {@link #parallelFor}, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into disjoint chunks on all threads, the caller
     * included, and returns when every chunk is done. A task's exception is rethrown here (after
     * the other chunks finished). Calls from several threads are serialized; a call from inside a
     * task runs inline on that thread.
     */
    public void parallelFor(int n, RangeTask task) {
        if (n <= 0) return;
        if (closed) throw new IllegalStateException("compute pool is closed");
        if (workers.length == 0 || n == 1 || callLock.isHeldByCurrentThread()
                || Thread.currentThread() instanceof Worker w && w.pool() == this) {
            task.run(0, n);
            return;
        }
        callLock.lock();
        try {
            this.task = task;
            this.n = n;
            this.chunks = Math.min(n, threads * CHUNKS_PER_THREAD);
            this.chunkSize = (n + chunks - 1) / chunks;
            this.chunks = (n + chunkSize - 1) / chunkSize;
            this.failure = null;
            nextChunk.set(0);
            pending.set(workers.length);
            generation = generation + 1; // publishes the job
            for (Worker w : workers) {
                if (w.parked) LockSupport.unpark(w);
            }
            runChunks();
            awaitWorkers();
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new IllegalStateException("compute task failed", f);
            }
        } finally {
            callLock.unlock();
        }
    }

    private void runChunks() {
        RangeTask t = task;
        int size = chunkSize, count = chunks, total = n;
        int c;
        while ((c = nextChunk.getAndIncrement()) < count) {
            int from = c * size;
            try {
                t.run(from, Math.min(total, from + size));
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        int spins = 0;
        while (pending.get() != 0) {
            if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            waitingCaller = Thread.currentThread();
            while (pending.get() != 0) LockSupport.park(this);
            waitingCaller = null;
        }
    }

    /**
     * One more user of this pool (another engine's model): each user closes it once, and the
     * workers stop when the last one does. Calls from several users are serialized like any others.
     */
    public ComputePool retain() {
        if (users.getAndUpdate(u -> u == 0 ? 0 : u + 1) == 0) throw new IllegalStateException("compute pool is closed");
        return this;
    }

    /** Stops the workers once every user closed it; a later {@link #parallelFor} fails. */
    @Override
    public void close() {
        if (users.updateAndGet(u -> Math.max(0, u - 1)) > 0) return;
        closed = true;
        for (Worker w : workers) LockSupport.unpark(w);
        for (Worker w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        ComputePool pool() {
            return ComputePool.this;
        }

        @Override
        public void run() {
            long seen = 0; // generation's value when the pool was built, even if a job was already posted
            while (true) {
                long start = System.nanoTime();
                int spins = 0;
                long g;
                while ((g = generation) == seen && !closed) {
                    if ((++spins & 63) != 0 || System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    // Dekker with parallelFor: we publish parked, then re-check generation; the
                    // caller publishes generation, then checks parked. One of us sees the other.
                    parked = true;
                    if (generation == seen && !closed) LockSupport.park(this);
                    parked = false;
                }
                if (closed) return;
                seen = g;
                runChunks();
                if (pending.decrementAndGet() == 0) {
                    Thread caller = waitingCaller;
                    if (caller != null) LockSupport.unpark(caller);
                }
            }
        }
    }
}
