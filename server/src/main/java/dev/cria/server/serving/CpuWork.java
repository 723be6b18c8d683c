package dev.cria.server.serving;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the CPU-heavy part of a request runs: parsing its JSON, templating and tokenizing its
 * prompt (an 8 MiB message is a million tokens, seconds of work). Requests are served on virtual
 * threads, which the JDK never preempts: two such requests on a 2-core machine would hold both
 * carrier threads and stall every other request, /health included, for seconds. So the work runs on
 * a bounded pool of platform threads, which the OS time-slices, one core fewer than the machine has;
 * the request's virtual thread waits unmounted and its carrier stays free for I/O.
 * One pool per JVM: every server in it shares the same cores.
 */
public final class CpuWork {
    /** Threads of the pool: all cores but one, which stays free for the carriers (and at least one). */
    public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS,
            r -> Thread.ofPlatform().name("cria-request-cpu-" + NEXT_ID.incrementAndGet()).daemon().unstarted(r));

    private CpuWork() {
    }

    /** Runs {@code task} on the pool and waits for it; what it throws is rethrown as is (ApiError stays a 4xx). */
    public static <T> T call(Callable<T> task) throws InterruptedException {
        Future<T> f = POOL.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }
}
