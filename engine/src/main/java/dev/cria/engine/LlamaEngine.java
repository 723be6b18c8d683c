package dev.cria.engine;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ChatTemplate;
import dev.cria.chat.TemplateTokens;
import dev.cria.chat.ToolCall;
import dev.cria.chat.ToolCallParser;
import dev.cria.kernels.ComputePool;
import dev.cria.model.LlamaModel;
import dev.cria.sampling.Logprobs;
import dev.cria.sampling.Sampler;
import dev.cria.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The engine: one platform thread owns the model, the KV stores and every sequence. Each step it
 * fills one batch under a token budget with the next token of every running sequence and chunks
 * of prompts still being read, runs one forward pass, samples, and emits events.
 */
public final class LlamaEngine implements Engine {
    /** Tokens per forward pass (prompt chunks + next tokens). */
    static final int TOKEN_BUDGET = 256;

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final TemplateTokens templateTokens;
    private final ModelInfo info;
    private final ComputePool pool;
    private final AutoCloseable resources;
    private final int contextSize;
    private final int parallel;
    private final boolean[] endOfGeneration;
    private final BlockingQueue<Sequence> waiting;
    private final List<Sequence> running = new ArrayList<>();
    private final Thread loop;
    private volatile boolean closed;

    // Step buffers (the loop thread only).
    private final int[] batchTokens;
    private final int[] batchPositions;
    private final dev.cria.kv.SequenceKv[] batchKv;
    private final boolean[] batchLogits;
    private final Sequence[] logitOwners;
    private final float[] logits;
    private final Logprobs logprobs;

    public LlamaEngine(LlamaModel model, Tokenizer tokenizer, ModelInfo info,
                       ComputePool pool, EngineOptions options, AutoCloseable resources) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.templateTokens = new TemplateTokens() {
            @Override
            public int[] encodePlain(String text) {
                return tokenizer.encode(text, false);
            }

            @Override
            public int specialId(String token) {
                int id = tokenizer.specialId(token);
                if (id < 0) throw new IllegalArgumentException("the model's vocabulary has no " + token + " token");
                return id;
            }
        };
        this.info = info;
        this.pool = pool;
        this.resources = resources;
        this.contextSize = info.contextLength();
        this.parallel = Math.max(1, options.parallel());
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, options.maxQueue()));
        this.endOfGeneration = new boolean[model.config().vocabSize()];
        for (int id : endOfGenerationIds(tokenizer)) {
            if (id >= 0 && id < endOfGeneration.length) endOfGeneration[id] = true;
        }
        int budget = Math.min(TOKEN_BUDGET, model.maxBatch());
        batchTokens = new int[budget];
        batchPositions = new int[budget];
        batchKv = new dev.cria.kv.SequenceKv[budget];
        batchLogits = new boolean[budget];
        logitOwners = new Sequence[parallel];
        logits = new float[parallel * model.config().vocabSize()];
        logprobs = new Logprobs(model.config().vocabSize());
        loop = Thread.ofPlatform().name("cria-engine").daemon(true).start(this::runLoop);
    }

    /**
     * Llama 3's end-of-generation set: {@code <|eot_id|>}, {@code <|eom_id|>}, {@code <|end_of_text|>}
     * plus the file's own eos ids (llama.cpp's llama_vocab::is_eog does the same).
     */
    static int[] endOfGenerationIds(Tokenizer t) {
        List<Integer> ids = new ArrayList<>();
        for (int id : t.eosIds()) ids.add(id);
        for (String name : List.of("<|eot_id|>", "<|eom_id|>", "<|end_of_text|>")) {
            int id = t.specialId(name);
            if (id >= 0) ids.add(id);
        }
        return ids.stream().mapToInt(Integer::intValue).distinct().toArray();
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public int[] tokenize(String text, boolean special) {
        return tokenizer.encode(text, special);
    }

    @Override
    public String detokenize(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= tokenizer.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (tokenizer.vocabSize() - 1) + ")");
            }
        }
        return tokenizer.decode(ids);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return tokenizer.tokenBytes(id);
    }

    @Override
    public int bosId() {
        return tokenizer.bosId();
    }

    @Override
    public boolean addBos() {
        return tokenizer.addBos();
    }

    @Override
    public int[] renderChat(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
        return ChatTemplate.renderIds(messages, tools, addGenerationPrompt, ChatTemplate.today(), templateTokens);
    }

    @Override
    public List<ToolCall> parseToolCalls(String text) {
        return ToolCallParser.parse(text);
    }

    @Override
    public GenerationHandle submit(GenerationRequest request) {
        if (closed) throw new IllegalStateException("the engine is shut down");
        int n = request.prompt().length;
        if (n == 0) throw new IllegalArgumentException("the prompt is empty");
        if (n >= contextSize) {
            throw new ContextLengthExceededException("the prompt has " + n + " tokens but the context is "
                    + contextSize + " tokens (at least one must remain for the answer)");
        }
        for (int id : request.prompt()) {
            if (id < 0 || id >= model.config().vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (model.config().vocabSize() - 1) + ")");
            }
        }
        if (request.maxTokens() < 0) throw new IllegalArgumentException("max_tokens must be at least 0");
        Sequence s = new Sequence(request, contextSize);
        if (!waiting.offer(s)) throw new EngineBusyException("too many requests are waiting (" + waiting.size() + ")");
        return s;
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Sequence s : waiting) finish(s, FinishReason.CANCELLED);
        waiting.clear();
        pool.close();
        try {
            resources.close();
        } catch (Exception ignored) {
            // closing a mapping cannot fail in a way the caller could act on
        }
    }

    private void runLoop() {
        try {
            while (!closed) {
                if (running.isEmpty()) {
                    Sequence s = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (s == null) continue;
                    admit(s);
                }
                while (running.size() < parallel) {
                    Sequence s = waiting.poll();
                    if (s == null) break;
                    admit(s);
                }
                step();
            }
        } catch (InterruptedException e) {
            // shutting down
        } catch (RuntimeException | Error e) {
            String msg = "engine failure: " + e;
            for (Sequence s : running) s.emit(new GenerationEvent.Failed(msg));
            running.clear();
            System.err.println("cria: " + msg);
        }
        for (Sequence s : running) finish(s, FinishReason.CANCELLED);
        running.clear();
    }

    private void admit(Sequence s) {
        if (s.cancelled) {
            finish(s, FinishReason.CANCELLED);
            return;
        }
        if (s.maxGenerated == 0) {
            finish(s, FinishReason.LENGTH);
            return;
        }
        s.kv = model.newSequence(contextSize);
        s.sampler = new Sampler(model.config().vocabSize(), s.request.sampling());
        s.decoder = tokenizer.streamingDecoder();
        s.stops = new StopMatcher(s.request.stop());
        running.add(s);
    }

    /** One forward pass over the next token of every running sequence plus prompt chunks, then sampling. */
    private void step() {
        running.removeIf(s -> {
            if (s.cancelled) finish(s, FinishReason.CANCELLED);
            return s.cancelled;
        });
        if (running.isEmpty()) return;
        int n = 0;
        int rows = 0;
        // Sequences already generating first: one token each keeps their latency low.
        for (Sequence s : running) {
            if (s.computed >= s.promptLength && n < batchTokens.length) {
                n = add(s, s.computed, n, true);
                logitOwners[rows++] = s;
            }
        }
        for (Sequence s : running) {
            if (s.computed < s.promptLength && n < batchTokens.length) {
                int take = Math.min(s.promptLength - s.computed, batchTokens.length - n);
                for (int t = 0; t < take; t++) {
                    boolean last = s.computed + t == s.promptLength - 1;
                    n = add(s, s.computed + t, n, last);
                    if (last) logitOwners[rows++] = s;
                }
            }
        }
        model.forward(n, batchTokens, batchPositions, batchKv, batchLogits, logits);
        for (int i = 0; i < n; i++) batchKv[i] = null;
        // Advance computed counters.
        for (Sequence s : running) s.computed = s.kv.length();
        int vocab = model.config().vocabSize();
        for (int r = 0; r < rows; r++) {
            Sequence s = logitOwners[r];
            logitOwners[r] = null;
            onLogits(s, r * vocab);
        }
        running.removeIf(s -> s.done);
    }

    private int add(Sequence s, int position, int n, boolean wantLogits) {
        batchTokens[n] = s.tokens[position];
        batchPositions[n] = position;
        batchKv[n] = s.kv;
        batchLogits[n] = wantLogits;
        return n + 1;
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

    private void finish(Sequence s, FinishReason reason) {
        if (s.done) return;
        s.done = true;
        String tail = "";
        if (s.decoder != null && s.stops != null && !s.stops.stopped()) {
            String rest = s.decoder.flush();
            tail = s.stops.accept(rest);
            if (!s.stops.stopped()) tail += s.stops.flush();
        }
        s.kv = null; // frees the sequence's KV memory
        s.emit(new GenerationEvent.Finished(reason, tail, new Usage(s.promptLength, s.generated(), 0)));
    }
}
