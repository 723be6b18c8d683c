package dev.cria.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request's place in the engine's wait queue, shared by its sequences (the n choices of one
 * prompt, or the prompts of one completion): the request counts once against --max-queue however
 * many sequences it has, and gives its place up when the last of them leaves the queue (first
 * admitted, or ended while still waiting).
 */
final class QueuePlace {
    private final AtomicInteger waitingRequests;
    private final AtomicInteger waitingMembers;

    /** Takes no place itself: the caller has already counted it in {@code waitingRequests}. */
    QueuePlace(AtomicInteger waitingRequests, int members) {
        this.waitingRequests = waitingRequests;
        this.waitingMembers = new AtomicInteger(members);
    }

    /** One member left the queue; each member calls this once. */
    void memberLeft() {
        if (waitingMembers.decrementAndGet() == 0) waitingRequests.decrementAndGet();
    }
}
