package dev.cria.engine;

import java.util.concurrent.TimeUnit;

/** A submitted generation: read its events in order, or cancel it. Safe to use from any thread. */
public interface GenerationHandle {
    /** Blocks until the next event; after Finished/Failed returns that last event again. */
    GenerationEvent next() throws InterruptedException;

    /** The next event, or null after the timeout. */
    GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException;

    /** Stops the generation at the next engine step; a Finished(CANCELLED) event follows. Idempotent. */
    void cancel();
}
