package dev.cria.engine;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvSequence;
import dev.cria.sampling.Sampler;
import dev.cria.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One request inside the engine: its tokens, KV, sampler and text state, and the events it emits.
 *
 * <p>Its life: <em>waiting</em> (queued, no KV) → {@link #admit} → <em>running</em> (holds KV; the
 * scheduler puts chunks of its known tokens in batches, {@link #enterBatch} then {@link #batchComputed},
 * and appends each sampled token, {@link #appendToken}) → either {@link #preempt} (back to waiting
 * without KV, its tokens kept to be recomputed on readmission) or {@link #end} (done for good, from
 * either state). Each transition checks the state it starts from and throws
 * {@link IllegalStateException} on a scheduler bug rather than corrupt a generation.
 *
 * <p>Threads: the engine loop owns every mutable field and is the only caller of the methods here,
 * except the {@link GenerationHandle} ones: any thread may read events ({@link #next}, {@link #poll})
 * and {@link #cancel}, which only raises a flag the loop acts on at its next step.
 */
final class Sequence implements GenerationHandle {
    final GenerationRequest request;
    final long submittedNanos = System.nanoTime();
    final int promptLength;
    final int maxGenerated;       // max_tokens bounded by the context

    private final int[] tokens;   // prompt followed by generated tokens
    private int length;           // tokens known (prompt + generated)
    private int computed;         // positions whose KV is stored; the next forward starts here
    private int cachedTokens = -1; // prompt tokens reused from the prefix cache at first admission; -1 = never admitted
    private long admittedOrder;   // larger = admitted later (preempted first)
    private long lastTokenNanos;  // when the last token was appended; 0 = none yet
    private KvSequence kv;        // non-null exactly while running
    private Sampler sampler;      // these three from the first admission on
    private StreamingDecoder decoder;
    private StopMatcher stops;
    private ConstrainedOutput grammar; // null unless the request has a grammar
    private volatile boolean cancelled;
    private boolean done;
    private boolean inBatch;      // has tokens in the batch being built

    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private volatile GenerationEvent last;

    /** The request's place in the wait queue, held until this sequence is first admitted or ends while waiting. */
    private QueuePlace place;

    /** A waiting sequence; built on the submitting thread, then handed to the engine loop. */
    Sequence(GenerationRequest request, int contextSize, QueuePlace place) {
        this.request = request;
        this.place = place;
        this.promptLength = request.prompt().length;
        this.maxGenerated = Math.max(0, Math.min(request.maxTokens(), contextSize - promptLength));
        this.tokens = new int[promptLength + maxGenerated];
        System.arraycopy(request.prompt(), 0, tokens, 0, promptLength);
        this.length = promptLength;
    }

    // ---- State, read by the engine loop ----

    /** Tokens known: the prompt and those generated so far. */
    int length() {
        return length;
    }

    /** Positions whose KV is stored; the next forward pass starts here. */
    int computed() {
        return computed;
    }

    int generated() {
        return length - promptLength;
    }

    /** The known token at position {@code pos} (below {@link #length()}). */
    int token(int pos) {
        return tokens[pos];
    }

    /** Still reading known tokens (the prompt, or everything again after a preemption). */
    boolean prefilling() {
        return computed < length - 1;
    }

    /** Whether the first {@code count} tokens of both sequences are the same (both have more than that). */
    boolean startsLike(Sequence other, int count) {
        return length > count && other.length > count
                && Arrays.equals(tokens, 0, count, other.tokens, 0, count);
    }

    boolean holdsKv() {
        return kv != null;
    }

    /** This sequence's KV while it runs (null while waiting or done); the scheduler reserves blocks through {@link #reserveKv}. */
    KvSequence kv() {
        return kv;
    }

    /** Admission count at its latest admission: larger means admitted later, so preempted first. */
    long admittedOrder() {
        return admittedOrder;
    }

    /** When the last token was appended ({@link System#nanoTime()}), 0 before the first. */
    long lastTokenNanos() {
        return lastTokenNanos;
    }

    boolean done() {
        return done;
    }

    boolean inBatch() {
        return inBatch;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Whether the request asked for a stop string that its text now contains. */
    boolean stopStringSeen() {
        return stops.stopped();
    }

    /** The token counts reported when it ends. */
    Usage usage() {
        return new Usage(promptLength, generated(), Math.max(0, cachedTokens));
    }

    // ---- Transitions, engine loop only ----

    /**
     * A fresh view of {@code pool}'s KV for this sequence holding the cached blocks of its known
     * tokens but the last (whose logits the next forward must produce); not yet this sequence's:
     * {@link #admit} takes it, or the caller releases it if the rest does not fit.
     */
    KvSequence kvWithCachedPrefix(KvBlockPool pool) {
        KvSequence fresh = new KvSequence(pool);
        fresh.reusePrefix(tokens, length - 1);
        return fresh;
    }

    /**
     * Waiting → running: takes {@code kv} (from {@link #kvWithCachedPrefix}) and goes on from the
     * positions it already holds. Returns true on the first admission, which records those positions
     * as the prompt's cached tokens; the caller then gives it its output state ({@link #startOutput}).
     */
    boolean admit(KvSequence kv, long order) {
        if (done) throw new IllegalStateException("a finished sequence cannot be admitted");
        if (this.kv != null) throw new IllegalStateException("the sequence is already running");
        if (kv.length() >= length) throw new IllegalStateException("the KV holds every known token: no logits would be computed");
        this.kv = kv;
        this.computed = kv.length();
        this.admittedOrder = order;
        if (cachedTokens >= 0) return false;
        cachedTokens = computed;
        return true;
    }

    /**
     * Gives a first-admitted sequence its sampler (which then reads the prompt), detokenizer, stop
     * matcher and, when the request has a grammar, its grammar state ({@code spelling}: how to write
     * out a completion that closes an answer the budget would cut).
     */
    void startOutput(Sampler sampler, StreamingDecoder decoder, StopMatcher stops, ConstrainedOutput.Spelling spelling) {
        if (this.sampler != null) throw new IllegalStateException("the output state is set once, at the first admission");
        this.sampler = sampler;
        this.decoder = decoder;
        this.stops = stops;
        if (request.grammar() != null) this.grammar = new ConstrainedOutput(request.grammar(), spelling);
        sampler.acceptPrompt(request.prompt());
    }

    /** Allocates KV blocks so the next {@code positions} positions have room; the caller has checked the pool has them. */
    void reserveKv(int positions) {
        if (!kv.reserve(computed + positions)) throw new IllegalStateException("the KV pool is short of blocks it reported free");
    }

    /** Puts tokens from {@link #computed()} on in the batch being built. */
    void enterBatch() {
        if (kv == null || done) throw new IllegalStateException("only a running sequence joins a batch");
        if (inBatch) throw new IllegalStateException("the sequence is already in the batch");
        inBatch = true;
    }

    /** The forward pass stored KV for this sequence's next {@code positions} positions: it leaves the batch past them. */
    void batchComputed(int positions) {
        if (!inBatch) throw new IllegalStateException("the sequence was not in the batch");
        if (computed + positions > length) throw new IllegalStateException("computed past the known tokens");
        inBatch = false;
        computed += positions;
        kv.filled(computed, tokens);
    }

    /**
     * Samples the next token from its row of {@code logits} (within the grammar, if any) and lets the
     * sampler remember it (penalties); -1 when the grammar allows nothing but the end.
     */
    int sampleNext(float[] logits, int offset) {
        int id = grammar == null ? sampler.sample(logits, offset)
                : grammar.next(sampler, logits, offset, maxGenerated - generated());
        if (id >= 0) sampler.accept(id);
        return id;
    }

    /**
     * The request's grammar is complete and allows nothing more, or the budget's forced completion
     * is all written: the generation is over, and complete.
     */
    boolean grammarEnded() {
        return grammar != null && (grammar.mustEnd() || grammar.closedByBudget());
    }

    /** Appends a token sampled from the logits of its last known token, at time {@code nowNanos}. */
    void appendToken(int id, long nowNanos) {
        if (done) throw new IllegalStateException("a finished sequence cannot be appended to");
        if (computed != length) throw new IllegalStateException("a token is appended only once the KV holds every known token");
        if (length == tokens.length) throw new IllegalStateException("the sequence already has max_tokens generated tokens");
        tokens[length++] = id;
        lastTokenNanos = nowNanos;
    }

    /**
     * The text the appended token {@code id} completes ({@code special}: it has none), less what a
     * stop string may still claim: what is safe to emit now.
     */
    String decode(int id, boolean special) {
        return stops.accept(special ? "" : decoder.accept(id));
    }

    /** Text still held back (an unfinished character, a possible stop string's start), released at the end. */
    String heldBackText() {
        if (decoder == null || stops == null || stops.stopped()) return "";
        String tail = stops.accept(decoder.flush());
        return stops.stopped() ? tail : tail + stops.flush();
    }

    /**
     * Running → waiting: gives its KV back and forgets what was computed; its tokens, generated ones
     * included, stay and are recomputed (not emitted again) when it is admitted again.
     */
    void preempt() {
        if (kv == null || done) throw new IllegalStateException("only a running sequence can be preempted");
        if (inBatch) throw new IllegalStateException("a sequence in the batch being built cannot be preempted");
        kv.release();
        kv = null;
        computed = 0;
    }

    /** Leaves the wait queue (first admission, or the end while still waiting); idempotent. */
    void leftQueue() {
        if (place != null) {
            place.memberLeft();
            place = null;
        }
    }

    /**
     * Waiting or running → done, once: leaves the wait queue and gives its KV back. The caller emits
     * the last event ({@link GenerationEvent.Finished} or {@link GenerationEvent.Failed}).
     */
    void end() {
        if (done) throw new IllegalStateException("the sequence has already ended");
        done = true;
        leftQueue();
        if (kv != null) {
            kv.release();
            kv = null;
        }
    }

    /** Delivers an event to the reader; nothing may follow the last one (Finished or Failed). */
    void emit(GenerationEvent e) {
        if (last != null) throw new IllegalStateException("an event after the last one: " + e);
        if (e instanceof GenerationEvent.Finished || e instanceof GenerationEvent.Failed) last = e;
        events.add(e);
    }

    // ---- GenerationHandle: any thread ----

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
