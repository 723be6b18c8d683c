package dev.cria.engine;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvSequence;
import dev.cria.model.LlamaModel;
import dev.cria.sampling.Logprobs;
import dev.cria.sampling.Sampler;
import dev.cria.tokenizer.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching. Each {@link #step} admits waiting requests while KV blocks allow, fills one
 * {@link Batch} under a token budget with the next token of every generating sequence plus chunks of
 * prompts being read (chunked prefill: no separate phases), runs one forward pass, samples and emits.
 * When KV blocks run out, the youngest sequence is preempted: its blocks are freed and it later
 * recomputes its tokens (without re-emitting them).
 *
 * <p>Threads and ownership: the engine loop alone calls this class, except {@link #runningCount()}
 * and {@link #stats}, which any thread may call (they read counters). The scheduler owns the
 * waiting and running sequences, the KV pool and the batch: sequences enter through
 * {@link #enqueue} and leave only by ending (their last event emitted); every change of a
 * sequence's state is one of {@link Sequence}'s transitions, made here.
 */
final class Scheduler {
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KvBlockPool pool;
    private final int parallel;
    private final boolean[] endOfGeneration;
    /** How a grammar's closing is written in tokens. */
    private final ConstrainedOutput.Spelling spelling;
    /** Not yet admitted, or preempted (those first), in admission order. */
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    /** Admitted and holding KV, at most {@code parallel}; done ones are removed at the end of the step that ended them. */
    private final List<Sequence> running = new ArrayList<>();
    private long admissions;

    // Step buffers (no allocation per step).
    private final Batch batch;
    private final float[] logits;
    private final Logprobs logprobs;

    // Monitoring (read by other threads through stats() and runningCount()).
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong prefixHitTokens = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong cancelledCount = new AtomicLong();
    private final AtomicLong preemptions = new AtomicLong();
    /** Sequences holding KV (admitted, not finished or preempted); updated before their events are emitted. */
    private final AtomicInteger runningCount = new AtomicInteger();
    private final LatencyHistogram timeToFirstToken = new LatencyHistogram();
    private final LatencyHistogram interTokenLatency = new LatencyHistogram();

    Scheduler(LlamaModel model, Tokenizer tokenizer, KvBlockPool pool, int parallel, int budget,
              boolean[] endOfGeneration) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.parallel = parallel;
        this.endOfGeneration = endOfGeneration;
        this.spelling = spelling(tokenizer);
        batch = new Batch(Math.min(budget, model.maxBatch()), parallel);
        logits = new float[parallel * model.config().vocabSize()];
        logprobs = new Logprobs(model.config().vocabSize());
    }

    // ---- Any thread ----

    /** Sequences holding KV now; a sequence is counted before it leaves the wait queue and uncounted before its last event. */
    int runningCount() {
        return runningCount.get();
    }

    /** A snapshot of the counters and the KV pool, with the engine's own queue figures. */
    EngineStats stats(int waitingRequests, long queueRejections) {
        return new EngineStats(runningCount.get(), waitingRequests, pool.usedBlocks(), pool.totalBlocks(),
                pool.cachedIdleBlocks(), pool.blockSize(), promptTokens.get(), generatedTokens.get(),
                prefixHitTokens.get(), finished.get(), cancelledCount.get(), queueRejections,
                preemptions.get(), timeToFirstToken.snapshot(), interTokenLatency.snapshot());
    }

    // ---- Engine loop only ----

    /** Puts a submitted sequence last in line; {@link #step} admits it when a slot and KV memory allow. */
    void enqueue(Sequence s) {
        waiting.addLast(s);
    }

    /** Nothing waiting and nothing running. */
    boolean idle() {
        return running.isEmpty() && waiting.isEmpty();
    }

    /** Ends every running, then every waiting sequence with {@link FinishReason#CANCELLED} (shutdown). */
    void cancelAll() {
        for (Sequence s : running) finish(s, FinishReason.CANCELLED);
        for (Sequence s : waiting) finish(s, FinishReason.CANCELLED);
        running.clear();
        waiting.clear();
    }

    /** Ends every running, then every waiting sequence with a {@link GenerationEvent.Failed} event (the loop broke). */
    void failAll(String message) {
        for (Sequence s : running) fail(s, message);
        for (Sequence s : waiting) fail(s, message);
        running.clear();
        waiting.clear();
    }

    /** One scheduling step: admit, batch, forward, sample. */
    void step() {
        dropCancelled();
        admit();
        if (running.isEmpty()) return;

        // Generating sequences first (one token each keeps their latency low), then prompt chunks.
        for (int pass = 0; pass < 2; pass++) {
            for (int si = 0; si < running.size() && batch.room() > 0; si++) {
                Sequence s = running.get(si);
                if (s.prefilling() != (pass == 1) || s.done()) continue;
                int chunk = Math.min(s.length() - s.computed(), batch.room());
                chunk = reserve(s, chunk);
                if (chunk == 0) continue;
                batch.add(s, chunk);
            }
        }
        if (batch.size() == 0) {
            // Every running sequence waits for KV memory: free some by preempting the youngest.
            Sequence victim = youngest();
            if (running.size() > 1) {
                preempt(victim);
            } else {
                finish(victim, FinishReason.LENGTH); // alone and the KV pool is full: its context ends here
                running.clear();
            }
            return;
        }
        model.forward(batch.size(), batch.tokens, batch.positions, batch.kv, batch.wantsLogits, logits);

        int vocab = model.config().vocabSize();
        int row = 0;
        for (int m = 0; m < batch.memberCount(); m++) {
            Sequence s = batch.member(m);
            s.batchComputed(batch.chunkOf(m));
            if (s.computed() == s.length()) {
                onLogits(s, row * vocab);
                row++;
            }
        }
        batch.clear();
        running.removeIf(Sequence::done);
    }

    /**
     * Reserves KV blocks for up to {@code chunk} tokens of {@code s} from its next position; returns
     * how many tokens got room (0 = wait this step). A prompt chunk may shrink to what fits; a
     * generating sequence without room preempts sequences admitted after it (not yet in this batch).
     */
    private int reserve(Sequence s, int chunk) {
        int b = pool.blockSize();
        while (true) {
            int room = (s.kv().blockCount() + pool.availableBlocks()) * b - s.computed();
            int take = Math.min(chunk, room);
            if (take == chunk || (take > 0 && s.prefilling())) {
                s.reserveKv(take);
                return take;
            }
            // A prompt waits for memory; a generating sequence takes it from younger ones.
            if (s.prefilling() || !preemptYoungerThan(s)) return 0;
        }
    }

    /** Preempts the most recently admitted sequence admitted after {@code s}; false if none. */
    private boolean preemptYoungerThan(Sequence s) {
        Sequence victim = youngest();
        if (victim == null || victim == s || victim.inBatch() || victim.admittedOrder() < s.admittedOrder()) return false;
        preempt(victim);
        return true;
    }

    private Sequence youngest() {
        Sequence victim = null;
        for (Sequence r : running) {
            if (!r.done() && (victim == null || r.admittedOrder() > victim.admittedOrder())) victim = r;
        }
        return victim;
    }

    /** Frees a running sequence's KV and puts it first in line; it recomputes its tokens when readmitted. */
    private void preempt(Sequence victim) {
        runningCount.decrementAndGet();
        victim.preempt();
        running.remove(victim);
        waiting.addFirst(victim);
        preemptions.incrementAndGet();
    }

    private void dropCancelled() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled()) {
                finish(s, FinishReason.CANCELLED);
                it.remove();
            }
        }
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled()) {
                finish(s, FinishReason.CANCELLED);
                it.remove();
            }
        }
    }

    /** Admits waiting sequences in order while there is a slot and KV memory for their prompt. */
    private void admit() {
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext() && running.size() < parallel; ) {
            Sequence s = it.next();
            if (s.maxGenerated == 0) {
                it.remove();
                finish(s, FinishReason.LENGTH);
                continue;
            }
            // A prompt whose first block another sequence is still reading waits a step, so it
            // reuses those blocks instead of computing them twice (n > 1, same system prompt).
            if (prefixInFlight(s)) continue;
            KvSequence kv = s.kvWithCachedPrefix(pool);
            if (kv.blocksNeeded(s.length()) > pool.availableBlocks()) {
                kv.release();
                if (running.isEmpty() && pool.availableBlocks() + kv.blockCount() < (s.length() + pool.blockSize() - 1) / pool.blockSize()) {
                    it.remove();
                    fail(s, "the prompt needs more KV memory than the pool has (" + pool.totalBlocks() * pool.blockSize() + " tokens)");
                    continue;
                }
                break; // first come, first served: later requests do not overtake
            }
            it.remove();
            if (s.admit(kv, ++admissions)) {
                promptTokens.addAndGet(s.promptLength);
                prefixHitTokens.addAndGet(s.computed());
                s.startOutput(new Sampler(model.config().vocabSize(), s.request.sampling()),
                        tokenizer.streamingDecoder(), new StopMatcher(s.request.stop()), spelling);
            }
            running.add(s);
            // Counted as running before it leaves the queue: submit() never sees its slot and its queue place both free.
            runningCount.incrementAndGet();
            s.leftQueue();
        }
    }

    /**
     * Completion bytes as the tokenizer would write them (valid UTF-8: the fewest tokens, so a closing
     * fits the budget best), else one ordinary single-byte token per byte (a completion that starts
     * inside a character); null when a byte has no token. Either way the bytes are exactly the same,
     * so the byte-level grammar accepts them.
     */
    private static ConstrainedOutput.Spelling spelling(Tokenizer tokenizer) {
        int[] byteTokens = new int[256];
        java.util.Arrays.fill(byteTokens, -1);
        for (int id = tokenizer.vocabSize() - 1; id >= 0; id--) {
            if (tokenizer.isSpecial(id)) continue;
            byte[] b = tokenizer.tokenBytes(id);
            if (b.length == 1) byteTokens[b[0] & 0xFF] = id;
        }
        return bytes -> {
            String text = validUtf8(bytes);
            if (text != null) return tokenizer.encode(text, false);
            int[] out = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                out[i] = byteTokens[bytes[i] & 0xFF];
                if (out[i] < 0) return null;
            }
            return out;
        };
    }

    private static String validUtf8(byte[] bytes) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private boolean prefixInFlight(Sequence s) {
        int b = pool.blockSize();
        for (Sequence r : running) {
            if (r.prefilling() && r.startsLike(s, b)) return true;
        }
        return false;
    }

    private void onLogits(Sequence s, int off) {
        int id = s.sampleNext(logits, off);
        if (id < 0) { // the grammar allows nothing but the end
            finish(s, FinishReason.STOP);
            return;
        }
        TokenLogprob lp = s.request.topLogprobs() >= 0 ? logprob(off, id, s.request.topLogprobs()) : null;
        if (endOfGeneration[id] && (!s.request.ignoreEos() || s.request.grammar() != null)) {
            finish(s, FinishReason.STOP);
            return;
        }
        long previous = s.lastTokenNanos();
        long now = System.nanoTime();
        s.appendToken(id, now);
        generatedTokens.incrementAndGet();
        if (previous == 0) timeToFirstToken.observeNanos(now - s.submittedNanos);
        else interTokenLatency.observeNanos(now - previous);
        // Special tokens are not part of the text (llama-server and vLLM skip them by default).
        String safe = s.decode(id, tokenizer.isSpecial(id));
        s.emit(new GenerationEvent.Token(id, safe, lp));
        if (s.stopStringSeen() || s.grammarEnded()) {
            finish(s, FinishReason.STOP);
        } else if (s.generated() >= s.maxGenerated) {
            // A constrained answer the budget closed (ConstrainedOutput's shortest completion) is whole even
            // when its grammar would allow more (another call of a list): it stopped, it was not cut.
            finish(s, s.grammarClosedByBudget() ? FinishReason.STOP : FinishReason.LENGTH);
        }
    }

    /** The model's log-probability of the sampled token and of the {@code top} most likely ones (raw logits, as vLLM reports by default). */
    private TokenLogprob logprob(int off, int id, int top) {
        logprobs.compute(logits, off);
        List<TokenLogprob.Alternative> alts = new ArrayList<>(top);
        for (Logprobs.Alternative a : logprobs.top(top)) {
            alts.add(new TokenLogprob.Alternative(a.tokenId(), tokenizer.tokenBytes(a.tokenId()), a.logprob()));
        }
        return new TokenLogprob(id, tokenizer.tokenBytes(id), logprobs.logprob(id), alts);
    }

    /** Ends a sequence (no-op if it has ended): emits any held-back text and frees its KV blocks. */
    private void finish(Sequence s, FinishReason reason) {
        if (s.done()) return;
        String tail = s.heldBackText();
        // Count the outcome before the running count drops: a reader of stats() that sees the
        // sequence gone from the running count must also see it in the totals.
        finished.incrementAndGet();
        if (reason == FinishReason.CANCELLED) cancelledCount.incrementAndGet();
        boolean heldKv = s.holdsKv();
        s.end();
        if (heldKv) runningCount.decrementAndGet();
        s.emit(new GenerationEvent.Finished(reason, tail, s.usage()));
    }

    /** Ends a sequence (no-op if it has ended) with a {@link GenerationEvent.Failed} event and frees its KV blocks. */
    private void fail(Sequence s, String message) {
        if (s.done()) return;
        finished.incrementAndGet();
        boolean heldKv = s.holdsKv();
        s.end();
        if (heldKv) runningCount.decrementAndGet();
        s.emit(new GenerationEvent.Failed(message));
    }
}
