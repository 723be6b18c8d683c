package dev.cria.engine;

import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvSequence;
import dev.cria.model.LlamaModel;
import dev.cria.sampling.Logprobs;
import dev.cria.sampling.Sampler;
import dev.cria.tokenizer.Tokenizer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching (the engine loop thread only). Each {@link #step} admits waiting requests
 * while KV blocks allow, fills one batch under a token budget with the next token of every
 * generating sequence plus chunks of prompts being read (chunked prefill: no separate phases),
 * runs one forward pass, samples and emits. When KV blocks run out, the youngest sequence is
 * preempted: its blocks are freed and it later recomputes its tokens (without re-emitting them).
 */
final class Scheduler {
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KvBlockPool pool;
    private final int contextSize;
    private final int parallel;
    private final int budget;
    private final boolean[] endOfGeneration;
    final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    final List<Sequence> running = new ArrayList<>();
    private long admissions;

    // Step buffers (no allocation per step).
    private final int[] batchTokens;
    private final int[] batchPositions;
    private final KvSequence[] batchKv;
    private final boolean[] batchLogits;
    private final Sequence[] logitOwners;
    private final int[] chunkOf;
    private final float[] logits;
    private final Logprobs logprobs;

    // Monitoring (read by other threads).
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong generatedTokens = new AtomicLong();
    final AtomicLong prefixHitTokens = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    final AtomicLong cancelledCount = new AtomicLong();
    final AtomicLong preemptions = new AtomicLong();
    /** Sequences holding KV (admitted, not finished or preempted); updated before their events are emitted. */
    final AtomicInteger runningCount = new AtomicInteger();
    final LatencyHistogram timeToFirstToken = new LatencyHistogram();
    final LatencyHistogram interTokenLatency = new LatencyHistogram();

    Scheduler(LlamaModel model, Tokenizer tokenizer, KvBlockPool pool, int contextSize, int parallel, int budget,
              boolean[] endOfGeneration) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.contextSize = contextSize;
        this.parallel = parallel;
        this.budget = Math.min(budget, model.maxBatch());
        this.endOfGeneration = endOfGeneration;
        batchTokens = new int[this.budget];
        batchPositions = new int[this.budget];
        batchKv = new KvSequence[this.budget];
        batchLogits = new boolean[this.budget];
        logitOwners = new Sequence[parallel];
        chunkOf = new int[parallel];
        logits = new float[parallel * model.config().vocabSize()];
        logprobs = new Logprobs(model.config().vocabSize());
    }

    KvBlockPool pool() {
        return pool;
    }

    boolean idle() {
        return running.isEmpty() && waiting.isEmpty();
    }

    /** One scheduling step: admit, batch, forward, sample. */
    void step() {
        dropCancelled();
        admit();
        if (running.isEmpty()) return;

        int n = 0;
        int owners = 0;
        // Generating sequences first (one token each keeps their latency low), then prompt chunks.
        for (int pass = 0; pass < 2; pass++) {
            for (int si = 0; si < running.size() && n < budget; si++) {
                Sequence s = running.get(si);
                if (s.prefilling() != (pass == 1) || s.done) continue;
                int chunk = Math.min(s.length - s.computed, budget - n);
                chunk = reserve(s, chunk);
                if (chunk == 0) continue;
                for (int t = 0; t < chunk; t++) {
                    int pos = s.computed + t;
                    batchTokens[n] = s.tokens[pos];
                    batchPositions[n] = pos;
                    batchKv[n] = s.kv;
                    batchLogits[n] = pos == s.length - 1;
                    n++;
                }
                s.scheduled = true;
                logitOwners[owners] = s;
                chunkOf[owners] = chunk;
                owners++;
            }
        }
        if (n == 0) {
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
        model.forward(n, batchTokens, batchPositions, batchKv, batchLogits, logits);
        Arrays.fill(batchKv, 0, n, null);

        int vocab = model.config().vocabSize();
        int row = 0;
        for (int o = 0; o < owners; o++) {
            Sequence s = logitOwners[o];
            logitOwners[o] = null;
            s.scheduled = false;
            s.computed += chunkOf[o];
            s.kv.filled(s.computed, s.tokens);
            if (s.computed == s.length) {
                onLogits(s, row * vocab);
                row++;
            }
        }
        running.removeIf(s -> s.done);
    }

    /**
     * Reserves KV blocks for up to {@code chunk} tokens of {@code s} from its next position; returns
     * how many tokens got room (0 = wait this step). A prompt chunk may shrink to what fits; a
     * generating sequence without room preempts sequences admitted after it (not yet in this batch).
     */
    private int reserve(Sequence s, int chunk) {
        int b = pool.blockSize();
        while (true) {
            int room = (s.kv.blockCount() + pool.availableBlocks()) * b - s.computed;
            int take = Math.min(chunk, room);
            if (take == chunk || (take > 0 && s.prefilling())) {
                s.kv.reserve(s.computed + take);
                return take;
            }
            // A prompt waits for memory; a generating sequence takes it from younger ones.
            if (s.prefilling() || !preemptYoungerThan(s)) return 0;
        }
    }

    /** Preempts the most recently admitted sequence admitted after {@code s}; false if none. */
    private boolean preemptYoungerThan(Sequence s) {
        Sequence victim = youngest();
        if (victim == null || victim == s || victim.scheduled || victim.admittedOrder < s.admittedOrder) return false;
        preempt(victim);
        return true;
    }

    private Sequence youngest() {
        Sequence victim = null;
        for (Sequence r : running) {
            if (!r.done && (victim == null || r.admittedOrder > victim.admittedOrder)) victim = r;
        }
        return victim;
    }

    /** Frees a running sequence's KV and puts it first in line; it recomputes its tokens when readmitted. */
    private void preempt(Sequence victim) {
        runningCount.decrementAndGet();
        victim.kv.release();
        victim.kv = null;
        victim.computed = 0;
        running.remove(victim);
        waiting.addFirst(victim);
        preemptions.incrementAndGet();
    }

    private void dropCancelled() {
        for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled) {
                finish(s, FinishReason.CANCELLED);
                it.remove();
            }
        }
        for (Iterator<Sequence> it = waiting.iterator(); it.hasNext(); ) {
            Sequence s = it.next();
            if (s.cancelled) {
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
            KvSequence kv = new KvSequence(pool);
            int reused = kv.reusePrefix(s.tokens, s.length - 1);
            if (kv.blocksNeeded(s.length) > pool.availableBlocks()) {
                kv.release();
                if (running.isEmpty() && pool.availableBlocks() + kv.blockCount() < (s.length + pool.blockSize() - 1) / pool.blockSize()) {
                    it.remove();
                    fail(s, "the prompt needs more KV memory than the pool has (" + pool.totalBlocks() * pool.blockSize() + " tokens)");
                    continue;
                }
                break; // first come, first served: later requests do not overtake
            }
            it.remove();
            s.kv = kv;
            s.computed = reused;
            s.admittedOrder = ++admissions;
            if (s.cachedTokens < 0) {
                s.cachedTokens = reused;
                promptTokens.addAndGet(s.promptLength);
                prefixHitTokens.addAndGet(reused);
                s.sampler = new Sampler(model.config().vocabSize(), s.request.sampling());
                s.sampler.acceptPrompt(s.request.prompt());
                s.decoder = tokenizer.streamingDecoder();
                s.stops = new StopMatcher(s.request.stop());
            }
            running.add(s);
            runningCount.incrementAndGet();
            s.leftQueue();
        }
    }

    private boolean prefixInFlight(Sequence s) {
        int b = pool.blockSize();
        if (s.length <= b) return false;
        for (Sequence r : running) {
            if (r.prefilling() && r.length > b && Arrays.equals(r.tokens, 0, b, s.tokens, 0, b)) return true;
        }
        return false;
    }

    private void onLogits(Sequence s, int off) {
        int id = s.sampler.sample(logits, off);
        s.sampler.accept(id);
        TokenLogprob lp = s.request.topLogprobs() >= 0 ? logprob(off, id, s.request.topLogprobs()) : null;
        if (endOfGeneration[id] && !s.request.ignoreEos()) {
            finish(s, FinishReason.STOP);
            return;
        }
        s.tokens[s.length++] = id;
        generatedTokens.incrementAndGet();
        long now = System.nanoTime();
        if (s.lastTokenNanos == 0) timeToFirstToken.observeNanos(now - s.submittedNanos);
        else interTokenLatency.observeNanos(now - s.lastTokenNanos);
        s.lastTokenNanos = now;
        // Special tokens are not part of the text (llama-server and vLLM skip them by default).
        String text = tokenizer.isSpecial(id) ? "" : s.decoder.accept(id);
        String safe = s.stops.accept(text);
        s.emit(new GenerationEvent.Token(id, safe, lp));
        if (s.stops.stopped()) {
            finish(s, FinishReason.STOP);
        } else if (s.generated() >= s.maxGenerated) {
            finish(s, FinishReason.LENGTH);
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

    /** Ends a sequence: emits any held-back text and frees its KV blocks. */
    void finish(Sequence s, FinishReason reason) {
        if (s.done) return;
        s.done = true;
        s.leftQueue();
        String tail = "";
        if (s.decoder != null && s.stops != null && !s.stops.stopped()) {
            tail = s.stops.accept(s.decoder.flush());
            if (!s.stops.stopped()) tail += s.stops.flush();
        }
        // Count the outcome before the running count drops: a reader of stats() that sees the
        // sequence gone from the running count must also see it in the totals.
        finished.incrementAndGet();
        if (reason == FinishReason.CANCELLED) cancelledCount.incrementAndGet();
        if (s.kv != null) {
            s.kv.release();
            s.kv = null;
            runningCount.decrementAndGet();
        }
        s.emit(new GenerationEvent.Finished(reason, tail, new Usage(s.promptLength, s.generated(), Math.max(0, s.cachedTokens))));
    }

    void fail(Sequence s, String message) {
        if (s.done) return;
        s.done = true;
        s.leftQueue();
        finished.incrementAndGet();
        if (s.kv != null) {
            s.kv.release();
            s.kv = null;
            runningCount.decrementAndGet();
        }
        s.emit(new GenerationEvent.Failed(message));
    }
}
