package dev.cria.engine;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ChatTemplate;
import dev.cria.chat.TemplateTokens;
import dev.cria.chat.ToolCall;
import dev.cria.chat.ToolCallParser;
import dev.cria.kernels.ComputePool;
import dev.cria.kv.KvBlockPool;
import dev.cria.model.LlamaModel;
import dev.cria.grammar.Grammar;
import dev.cria.grammar.TokenGrammar;
import dev.cria.grammar.TokenVocabulary;
import dev.cria.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine facade over one model: requests arrive through a queue; one platform thread (the
 * engine loop) owns the model, the KV pool and every sequence and runs the {@link Scheduler}.
 *
 * <p>Threads: any thread may call the {@link Engine} methods. {@link #submitAll} builds the
 * sequences on the caller's thread and hands them over through {@code incoming}; from then on only
 * the loop changes them, and the caller holds them as {@link GenerationHandle}s (read events,
 * cancel). Other threads ask the scheduler only {@link Scheduler#runningCount()} and
 * {@link Scheduler#stats}; the loop alone enqueues, steps, and at shutdown ends what is left.
 */
public final class LlamaEngine implements Engine {
    /**
     * Tokens per forward pass (prompt chunks + next tokens). Every sequence already generating waits
     * for the whole step, so a prompt chunk delays their next token by its compute time: the budget
     * trades that stall against the batched matmul's efficiency per token, which stops growing well
     * below 256 (docs/benchmarks.md, "The scheduler's token budget").
     */
    static final int TOKEN_BUDGET = 64;
    /** Tokens per KV block (vLLM's default). */
    static final int BLOCK_SIZE = 16;

    private final Tokenizer tokenizer;
    private final TemplateTokens templateTokens;
    private final ModelInfo info;
    private final ComputePool pool;
    private final AutoCloseable resources;
    private final int contextSize;
    private final int vocabSize;
    private final int longestTokenBytes;
    private final int maxQueue;
    private final int parallel;
    /** Requests submitted with a sequence not yet admitted (nor ended while waiting); a request's sequences count once. */
    private final AtomicInteger queued = new AtomicInteger();
    private final Scheduler scheduler;
    private final LinkedBlockingQueue<Sequence> incoming = new LinkedBlockingQueue<>();
    private final AtomicLong rejections = new AtomicLong();
    private final Thread loop;
    /** The vocabulary as the grammar engine sees it, built on the first {@link #compileGrammar}. */
    private volatile TokenVocabulary grammarVocabulary;
    private volatile boolean closed;

    public LlamaEngine(LlamaModel model, Tokenizer tokenizer, ModelInfo info, ComputePool pool,
                       EngineOptions options, AutoCloseable resources) {
        this.tokenizer = tokenizer;
        this.pool = pool;
        this.resources = resources;
        this.vocabSize = model.config().vocabSize();
        int longest = 1;
        for (int id = 0; id < tokenizer.vocabSize(); id++) longest = Math.max(longest, tokenizer.tokenBytes(id).length);
        this.longestTokenBytes = longest;
        this.maxQueue = Math.max(1, options.maxQueue());
        this.parallel = Math.max(1, options.parallel());
        long kvBytes = kvPoolBytes(options, info.contextLength() * (long) parallel,
                2L * model.config().blockCount() * options.kvType().bytesPerRow(model.config().kvDim()));
        int blocks = KvBlockPool.blocksFor(kvBytes, model.config().blockCount(), model.config().kvDim(), BLOCK_SIZE, options.kvType());
        KvBlockPool kv = model.newKvPool(BLOCK_SIZE, blocks, options.kvType());
        // A pool smaller than the context bounds what one sequence can hold: report that as the context,
        // so prompts and max_tokens are checked against it up front.
        this.contextSize = Math.min(info.contextLength(), blocks * BLOCK_SIZE);
        this.info = new ModelInfo(info.name(), info.path(), info.architecture(), contextSize, info.trainedContextLength(),
                info.vocabSize(), info.parameterCount(), info.weightType());
        boolean[] eog = new boolean[vocabSize];
        for (int id : endOfGenerationIds(tokenizer)) {
            if (id >= 0 && id < eog.length) eog[id] = true;
        }
        this.scheduler = new Scheduler(model, tokenizer, kv, parallel, TOKEN_BUDGET, eog);
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
        loop = Thread.ofPlatform().name("cria-engine").daemon(true).start(this::runLoop);
    }

    /**
     * The KV pool's size: --kv-memory, or by default context × parallel tokens, capped to half of the
     * Java heap still free (the pool lives in the heap, in the old generation, which the default
     * collectors give about two thirds of the heap; the rest is for requests), so a default never
     * fails with an OutOfMemoryError; the context then shrinks to what the pool holds. An explicit
     * size above 60% of the free heap is a clear error.
     */
    static long kvPoolBytes(EngineOptions options, long defaultTokens, long bytesPerToken) {
        Runtime rt = Runtime.getRuntime();
        long heapRoom = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (options.kvMemoryBytes() > 0) {
            if (options.kvMemoryBytes() > heapRoom * 6 / 10) {
                throw new IllegalArgumentException("--kv-memory " + (options.kvMemoryBytes() >> 20) + " MiB does not fit in the Java heap ("
                        + (heapRoom >> 20) + " MiB free); lower it or raise -Xmx (CRIA_JAVA_OPTS)");
            }
            return options.kvMemoryBytes();
        }
        return Math.min(defaultTokens * bytesPerToken, heapRoom / 2);
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

    /**
     * {@inheritDoc} Sound for this tokenizer: byte-level BPE (and a special token matched by its text)
     * makes each id stand for exactly the bytes it covers, there is no normalizer that could shorten
     * the text, and a lone surrogate is encoded as U+FFFD (3 bytes, more than any count of it).
     */
    @Override
    public int longestTokenBytes() {
        return longestTokenBytes;
    }

    @Override
    public String detokenize(int[] ids) {
        checkIds(ids);
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

    /** {@inheritDoc} An empty tool list counts as no tools (the template alone would print the tool preamble). */
    @Override
    public int[] renderChat(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
        if (tools != null && tools.isEmpty()) tools = null;
        return ChatTemplate.renderIds(messages, tools, addGenerationPrompt, ChatTemplate.today(), templateTokens);
    }

    @Override
    public List<ToolCall> parseToolCalls(String text) {
        return ToolCallParser.parse(text);
    }

    @Override
    public TokenGrammar compileGrammar(Grammar grammar) {
        return TokenGrammar.compile(grammar, grammarVocabulary());
    }

    @Override
    public TokenGrammar compileGrammar(String gbnf) {
        return TokenGrammar.compile(gbnf, grammarVocabulary());
    }

    private TokenVocabulary grammarVocabulary() {
        TokenVocabulary v = grammarVocabulary;
        if (v == null) {
            synchronized (this) {
                v = grammarVocabulary;
                if (v == null) grammarVocabulary = v = grammarVocabulary(tokenizer);
            }
        }
        return v;
    }

    /** A tokenizer's vocabulary as the grammar engine sees it: token bytes, special tokens, end-of-generation ids. */
    public static TokenVocabulary grammarVocabulary(Tokenizer tokenizer) {
        int n = tokenizer.vocabSize();
        byte[][] bytes = new byte[n][];
        boolean[] special = new boolean[n];
        for (int id = 0; id < n; id++) {
            bytes[id] = tokenizer.tokenBytes(id);
            special[id] = tokenizer.isSpecial(id);
        }
        return new TokenVocabulary(bytes, special, endOfGenerationIds(tokenizer));
    }

    @Override
    public GenerationHandle submit(GenerationRequest request) {
        return submitAll(List.of(request)).getFirst();
    }

    /**
     * {@inheritDoc} Every request is checked before any is queued; the group then takes one place in
     * the wait queue (as vLLM schedules the n sequences of a request as one group), so a request of
     * many choices is never refused on an idle engine. Its sequences are admitted in order as slots
     * and KV memory allow.
     */
    @Override
    public List<GenerationHandle> submitAll(List<GenerationRequest> requests) {
        if (closed) throw new IllegalStateException("the engine is shut down");
        if (requests.isEmpty()) throw new IllegalArgumentException("no generation requested");
        for (GenerationRequest r : requests) check(r);
        // Free slots take requests at once; beyond them, at most maxQueue wait.
        int capacity = maxQueue + Math.max(0, parallel - scheduler.runningCount());
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            rejections.incrementAndGet();
            throw new EngineBusyException("too many requests are waiting (" + maxQueue + ")");
        }
        QueuePlace place = new QueuePlace(queued, requests.size());
        List<Sequence> sequences = new ArrayList<>(requests.size());
        for (GenerationRequest r : requests) sequences.add(new Sequence(r, contextSize, place));
        incoming.addAll(sequences);
        return List.copyOf(sequences);
    }

    private void check(GenerationRequest request) {
        int n = request.prompt().length;
        if (n == 0) throw new IllegalArgumentException("the prompt is empty");
        if (n >= contextSize) {
            throw new ContextLengthExceededException("the prompt has " + n + " tokens but the context is "
                    + contextSize + " tokens (at least one must remain for the answer)");
        }
        checkIds(request.prompt());
        if (request.maxTokens() < 0) throw new IllegalArgumentException("max_tokens must be at least 0");
        request.sampling().validate(vocabSize);
    }

    @Override
    public EngineStats stats() {
        return scheduler.stats(queued.get(), rejections.get());
    }

    /** The compute threads this engine's model runs on: a second engine may share them ({@link ComputePool#retain}). */
    public ComputePool computePool() {
        return pool;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        loop.interrupt();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
        try {
            resources.close();
        } catch (Exception ignored) {
            // closing a mapping cannot fail in a way the caller could act on
        }
    }

    private void checkIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
            }
        }
    }

    private void runLoop() {
        try {
            while (!closed) {
                if (scheduler.idle()) {
                    Sequence s = incoming.poll(100, TimeUnit.MILLISECONDS);
                    if (s == null) continue;
                    scheduler.enqueue(s);
                }
                for (Sequence s; (s = incoming.poll()) != null; ) scheduler.enqueue(s);
                scheduler.step();
            }
        } catch (InterruptedException e) {
            // shutting down
        } catch (RuntimeException | Error e) {
            String msg = "engine failure: " + e;
            System.err.println("cria: " + msg);
            scheduler.failAll(msg);
            closed = true;
        }
        // Shutdown: everything still running, queued or not yet handed over ends as cancelled.
        for (Sequence s; (s = incoming.poll()) != null; ) scheduler.enqueue(s);
        scheduler.cancelAll();
    }
}
