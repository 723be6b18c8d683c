package dev.cria.engine;

import dev.cria.kv.KvSequence;
import dev.cria.sampling.Sampler;
import dev.cria.tokenizer.StreamingDecoder;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request inside the engine: its tokens, KV, sampler and text state. Only the engine loop
 * touches the mutable fields; other threads read events and may set {@link #cancelled}.
 */
final class Sequence implements GenerationHandle {
    final GenerationRequest request;
    final long submittedNanos = System.nanoTime();
    final int[] tokens;           // prompt followed by generated tokens
    final int promptLength;
    final int maxGenerated;       // max_tokens bounded by the context
    int length;                   // tokens known (prompt + generated)
    int computed;                 // positions whose KV is stored; the next forward starts here
    int cachedTokens = -1;        // prompt tokens reused from the prefix cache at first admission
    long admittedOrder;           // larger = admitted later (preempted first)
    long lastTokenNanos;
    KvSequence kv;
    Sampler sampler;
    StreamingDecoder decoder;
    StopMatcher stops;
    volatile boolean cancelled;
    boolean done;
    boolean scheduled;            // has tokens in the batch being built
    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private volatile GenerationEvent last;

    /** The request's place in the wait queue, held until this sequence is first admitted or ends while waiting. */
    private QueuePlace place;

    Sequence(GenerationRequest request, int contextSize, QueuePlace place) {
        this.request = request;
        this.place = place;
        this.promptLength = request.prompt().length;
        this.maxGenerated = Math.max(0, Math.min(request.maxTokens(), contextSize - promptLength));
        this.tokens = new int[promptLength + maxGenerated];
        System.arraycopy(request.prompt(), 0, tokens, 0, promptLength);
        this.length = promptLength;
    }

    /** Leaves the wait queue (first admission, or the end while still waiting); idempotent. */
    void leftQueue() {
        if (place != null) {
            place.memberLeft();
            place = null;
        }
    }

    int generated() {
        return length - promptLength;
    }

    /** Still reading known tokens (the prompt, or everything again after a preemption). */
    boolean prefilling() {
        return computed < length - 1;
    }

    void emit(GenerationEvent e) {
        if (e instanceof GenerationEvent.Finished || e instanceof GenerationEvent.Failed) last = e;
        events.add(e);
    }

    @Override
    public GenerationEvent next() throws InterruptedException {
        GenerationEvent l = last;
        if (l != null && events.isEmpty()) return l;
        return events.take();
    }

    @Override
    public GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        GenerationEvent l = last;
        if (l != null && events.isEmpty()) return l;
        return events.poll(timeout, unit);
    }

    @Override
    public void cancel() {
        cancelled = true;
    }
}
