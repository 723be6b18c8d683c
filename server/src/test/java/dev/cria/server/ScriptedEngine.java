package dev.cria.server;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineBusyException;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.engine.ModelInfo;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.util.StrictJson;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for the engine, for server tests that must observe the engine side
 * (cancellation, a full queue, tool calls). It behaves like the real one where the server can tell:
 * a byte-level vocabulary (so multi-byte characters span tokens and some token events carry ""),
 * specials as in Llama 3, one loop thread serving requests in order, stop strings held back and
 * never emitted, max_tokens and the context honoured, seeded sampling reproducible, greedy output a
 * function of the prompt, and a configurable delay per token.
 */
public class ScriptedEngine implements Engine {
    static final int BOS = 256, EOS = 257, START_HEADER = 258, END_HEADER = 259, EOT = 260, PYTHON_TAG = 261;
    private static final String[] SPECIALS = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
            "<|end_header_id|>", "<|eot_id|>", "<|python_tag|>"};
    static final int VOCAB = 300;
    /** What the "model" says: ASCII, 2-, 3- and 4-byte UTF-8 characters. */
    private static final byte[] CORPUS = ("The llama walks über the Andes, ça va? 日本語 and 🦙 share one path; "
            + "stories go on, and on, past the river and the hill. ").getBytes(StandardCharsets.UTF_8);

    private final int contextLength;
    private final int maxQueue;
    private volatile Duration tokenDelay;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    /** Requests with a job still in the queue (guarded by queue's lock). */
    private int waitingRequests;
    private final Thread loop;
    private volatile boolean closed;
    /** Generations that ended because they were cancelled. */
    public final AtomicInteger cancelled = new AtomicInteger();
    /** Generations started by the loop. */
    public final AtomicInteger started = new AtomicInteger();
    /** Tokens the last finished generation produced. */
    public volatile int lastCompletionTokens;
    /** Prompt and generated tokens of the generation in progress (0 between generations): what it holds of the "KV cache". */
    private volatile int tokensHeld;
    /** The stand-in's KV cache: blocks of this many tokens, as many as the context needs. */
    static final int KV_BLOCK_SIZE = 16;

    public ScriptedEngine(int contextLength, int maxQueue, Duration tokenDelay) {
        this.contextLength = contextLength;
        this.maxQueue = maxQueue;
        this.tokenDelay = tokenDelay;
        this.loop = Thread.ofPlatform().name("scripted-engine-loop").daemon().start(this::run);
    }

    public static ScriptedEngine quick() {
        return new ScriptedEngine(512, 64, Duration.ZERO);
    }

    public void tokenDelay(Duration d) {
        tokenDelay = d;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("scripted-llama", "/dev/null", "llama", contextLength, 131072, VOCAB, 1_235_814_400L, "Q8_0");
    }

    /** Calls of tokenize and renderChat from outside (the server's tokenizing and templating). */
    public final AtomicInteger tokenizeCalls = new AtomicInteger();
    private volatile Duration tokenizeCpu = Duration.ZERO;

    /** CPU time each tokenize or renderChat call burns (a busy loop, as a million-token text would). */
    public void tokenizeCpu(Duration d) {
        tokenizeCpu = d;
    }

    private void burnCpu() {
        tokenizeCalls.incrementAndGet();
        long end = System.nanoTime() + tokenizeCpu.toNanos();
        while (System.nanoTime() < end) Thread.onSpinWait(); // never yields: holds a virtual thread's carrier
    }

    /** Every token stands for at most this many bytes: the reserved specials' 30. */
    @Override
    public int longestTokenBytes() {
        int longest = 1;
        for (int id = 0; id < VOCAB; id++) longest = Math.max(longest, tokenBytes(id).length);
        return longest;
    }

    @Override
    public int[] tokenize(String text, boolean special) {
        burnCpu();
        return encode(text, special);
    }

    private int[] encode(String text, boolean special) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        outer:
        while (i < text.length()) {
            if (special) {
                for (int s = 0; s < SPECIALS.length; s++) {
                    if (text.startsWith(SPECIALS[s], i)) {
                        out.add(BOS + s);
                        i += SPECIALS[s].length();
                        continue outer;
                    }
                }
                for (int id = BOS + SPECIALS.length; id < VOCAB && text.startsWith("<|reserved_", i); id++) { // as in Llama 3
                    String name = "<|reserved_special_token_" + id + "|>";
                    if (text.startsWith(name, i)) {
                        out.add(id);
                        i += name.length();
                        continue outer;
                    }
                }
            }
            int cp = text.codePointAt(i);
            for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) out.add(b & 0xFF);
            i += Character.charCount(cp);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String detokenize(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) out.writeBytes(tokenBytes(id));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= VOCAB) throw new IllegalArgumentException("token id " + id + " out of range");
        if (id < 256) return new byte[]{(byte) id};
        if (id - BOS < SPECIALS.length) return SPECIALS[id - BOS].getBytes(StandardCharsets.UTF_8);
        return ("<|reserved_special_token_" + id + "|>").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int bosId() {
        return BOS;
    }

    @Override
    public boolean addBos() {
        return true;
    }

    @Override
    public int[] renderChat(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt) {
        burnCpu();
        if (messages.getFirst().role().equals("tool")) throw new IllegalArgumentException("a conversation cannot start with a tool result");
        List<Integer> ids = new ArrayList<>();
        add(ids, encode("<|begin_of_text|>", true));
        if (tools != null && !tools.isEmpty()) {
            add(ids, encode("<|start_header_id|>system<|end_header_id|>\n\n", true));
            add(ids, encode("Tools: " + tools, false));
            ids.add(EOT);
        }
        for (ChatMessage m : messages) {
            add(ids, encode("<|start_header_id|>" + m.role() + "<|end_header_id|>\n\n", true));
            StringBuilder content = new StringBuilder(m.content() == null ? "" : m.content().toString());
            for (ToolCall c : m.toolCalls()) content.append("{\"name\": \"").append(c.name()).append("\", \"parameters\": ").append(c.arguments()).append('}');
            add(ids, encode(content.toString(), false)); // content is never parsed for control tokens
            ids.add(EOT);
        }
        if (addGenerationPrompt) add(ids, encode("<|start_header_id|>assistant<|end_header_id|>\n\n", true));
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void add(List<Integer> ids, int[] more) {
        for (int id : more) ids.add(id);
    }

    @Override
    public List<ToolCall> parseToolCalls(String text) {
        try {
            Object v = StrictJson.parse(text.strip());
            if (v instanceof Map<?, ?> m && m.get("name") instanceof String name) {
                return List.of(new ToolCall(null, name, m.get("parameters")));
            }
        } catch (IllegalArgumentException notJson) {
            // plain text: no tool call
        }
        return List.of();
    }

    /**
     * Compiles for real against the byte vocabulary, so a grammar the server builds is checked as on a
     * real engine; the scripted answers do not follow it (constrained output is tested on the tiny model).
     */
    @Override
    public dev.cria.grammar.TokenGrammar compileGrammar(dev.cria.grammar.Grammar grammar) {
        byte[][] bytes = new byte[VOCAB][];
        for (int id = 0; id < VOCAB; id++) bytes[id] = tokenBytes(id);
        return dev.cria.grammar.TokenGrammar.compile(grammar,
                new dev.cria.grammar.TokenVocabulary(bytes, new boolean[VOCAB], new int[0]));
    }

    @Override
    public GenerationHandle submit(GenerationRequest request) {
        return submitAll(List.of(request)).getFirst();
    }

    /** Like the real engine: a request's generations take one queue place together, or none. */
    @Override
    public List<GenerationHandle> submitAll(List<GenerationRequest> requests) {
        if (closed) throw new IllegalStateException("engine closed");
        synchronized (queue) {
            if (waitingRequests >= maxQueue) throw new EngineBusyException("queue full (" + maxQueue + " waiting)");
            waitingRequests++;
            int[] waitingMembers = {requests.size()};
            List<GenerationHandle> handles = new ArrayList<>(requests.size());
            for (GenerationRequest r : requests) {
                Job job = new Job(r, waitingMembers);
                queue.add(job);
                handles.add(job);
            }
            return handles;
        }
    }

    /** One generation at a time: running is 0 or 1, its tokens hold whole blocks of a pool one context long; no counters. */
    @Override
    public dev.cria.engine.EngineStats stats() {
        var empty = new dev.cria.engine.EngineStats.Histogram(new double[0], new long[0], 0, 0);
        int held = tokensHeld;
        int waiting;
        synchronized (queue) {
            waiting = waitingRequests;
        }
        int blocksUsed = (held + KV_BLOCK_SIZE - 1) / KV_BLOCK_SIZE;
        int blocksTotal = (contextLength + KV_BLOCK_SIZE - 1) / KV_BLOCK_SIZE;
        return new dev.cria.engine.EngineStats(held > 0 ? 1 : 0, waiting, blocksUsed, blocksTotal, 0, KV_BLOCK_SIZE,
                0, 0, 0, 0, 0, 0, 0, empty, empty);
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
        for (Job j : queue) j.events.add(new GenerationEvent.Finished(FinishReason.CANCELLED, "", new Usage(0, 0, 0)));
    }

    private static final class Job implements GenerationHandle {
        final GenerationRequest request;
        /** Jobs of the same request still queued (shared by them, guarded by the queue's lock). */
        final int[] waitingMembers;
        final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
        volatile boolean cancelRequested;
        private GenerationEvent last;

        Job(GenerationRequest request, int[] waitingMembers) {
            this.request = request;
            this.waitingMembers = waitingMembers;
        }

        @Override
        public synchronized GenerationEvent next() throws InterruptedException {
            if (last != null) return last;
            GenerationEvent e = events.take();
            if (!(e instanceof GenerationEvent.Token)) last = e;
            return e;
        }

        @Override
        public synchronized GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
            if (last != null) return last;
            GenerationEvent e = events.poll(timeout, unit);
            if (e != null && !(e instanceof GenerationEvent.Token)) last = e;
            return e;
        }

        @Override
        public void cancel() {
            cancelRequested = true;
        }
    }

    private void run() {
        try {
            while (!closed) {
                Job job = queue.take();
                synchronized (queue) {
                    if (--job.waitingMembers[0] == 0) waitingRequests--;
                }
                started.incrementAndGet();
                try {
                    generate(job);
                } finally {
                    tokensHeld = 0;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void generate(Job job) throws InterruptedException {
        GenerationRequest r = job.request;
        int[] prompt = r.prompt();
        if (prompt.length >= contextLength) {
            job.events.add(new GenerationEvent.Failed("the prompt (" + prompt.length + " tokens) does not fit the context (" + contextLength + ")"));
            return;
        }
        boolean greedy = r.sampling().isGreedy();
        long promptHash = Arrays.hashCode(prompt);
        Random rng = greedy ? new Random(promptHash) : r.sampling().seed() != null ? new Random(r.sampling().seed() * 31 + promptHash) : new Random();
        byte[] script = script(prompt, rng);
        int naturalEnd = script.length;
        StopScanner scanner = new StopScanner(r.stop());
        int generated = 0;
        while (true) {
            if (job.cancelRequested || closed) {
                cancelled.incrementAndGet();
                finish(job, FinishReason.CANCELLED, "", prompt.length, generated);
                return;
            }
            if (generated >= naturalEnd && !r.ignoreEos()) {
                finish(job, FinishReason.STOP, scanner.flush(), prompt.length, generated);
                return;
            }
            if (generated >= r.maxTokens() || prompt.length + generated >= contextLength) {
                finish(job, FinishReason.LENGTH, scanner.flush(), prompt.length, generated);
                return;
            }
            Duration d = tokenDelay;
            if (!d.isZero()) Thread.sleep(d);
            int id = script[generated % script.length] & 0xFF;
            generated++;
            tokensHeld = prompt.length + generated;
            String text = scanner.accept((byte) id);
            TokenLogprob lp = r.topLogprobs() < 0 ? null : logprob(id, r.topLogprobs());
            if (scanner.stopped()) {
                job.events.add(new GenerationEvent.Token(id, text, lp));
                finish(job, FinishReason.STOP, "", prompt.length, generated);
                return;
            }
            job.events.add(new GenerationEvent.Token(id, text, lp));
        }
    }

    /** What this prompt makes the "model" say: a tool call when tools were offered, else corpus text from a char boundary. */
    private byte[] script(int[] prompt, Random rng) {
        String p = detokenize(prompt);
        int tools = p.indexOf("Tools: [{");
        if (tools >= 0 && p.lastIndexOf("<|start_header_id|>user") > tools && !p.contains("<|start_header_id|>tool")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=([A-Za-z0-9_]+)").matcher(p);
            String fn = m.find(tools) ? m.group(1) : "tool";
            return ("{\"name\": \"" + fn + "\", \"parameters\": {\"city\": \"Paris\"}}").getBytes(StandardCharsets.UTF_8);
        }
        int start;
        do {
            start = rng.nextInt(CORPUS.length);
        } while ((CORPUS[start] & 0xC0) == 0x80);
        int length = 24 + rng.nextInt(40);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < length || (CORPUS[(start + i) % CORPUS.length] & 0xC0) == 0x80; i++) {
            out.write(CORPUS[(start + i) % CORPUS.length]);
        }
        return out.toByteArray();
    }

    private static TokenLogprob logprob(int id, int top) {
        double lp = -0.05 - (id % 7) * 0.1;
        List<TokenLogprob.Alternative> alts = new ArrayList<>();
        for (int k = 0; k < top; k++) {
            int alt = k == 0 ? id : (id + 13 * k) % 128;
            alts.add(new TokenLogprob.Alternative(alt, new byte[]{(byte) alt}, k == 0 ? lp : lp - 1.5 * k));
        }
        return new TokenLogprob(id, new byte[]{(byte) id}, lp, alts);
    }

    private void finish(Job job, FinishReason reason, String text, int promptTokens, int generated) {
        lastCompletionTokens = generated;
        tokensHeld = 0; // as the engine does: uncounted before its last event, so a client that has the end sees it gone
        job.events.add(new GenerationEvent.Finished(reason, text, new Usage(promptTokens, generated, 0)));
    }

    /** Incremental UTF-8 decoding plus stop-string hold-back, as the engine does it. */
    private static final class StopScanner {
        private final List<String> stops;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final StringBuilder held = new StringBuilder();
        private boolean stopped;

        StopScanner(List<String> stops) {
            this.stops = stops;
        }

        String accept(byte b) {
            partial.write(b);
            byte[] bytes = partial.toByteArray();
            if (!complete(bytes)) return "";
            partial.reset();
            held.append(new String(bytes, StandardCharsets.UTF_8));
            int cut = -1;
            for (String s : stops) {
                int at = held.indexOf(s);
                if (at >= 0 && (cut < 0 || at < cut)) cut = at;
            }
            if (cut >= 0) {
                stopped = true;
                String out = held.substring(0, cut);
                held.setLength(0);
                return out;
            }
            int keep = 0;
            for (String s : stops) {
                for (int k = Math.min(s.length() - 1, held.length()); k > keep; k--) {
                    if (held.toString().endsWith(s.substring(0, k))) {
                        keep = k;
                        break;
                    }
                }
            }
            String out = held.substring(0, held.length() - keep);
            held.delete(0, held.length() - keep);
            return out;
        }

        boolean stopped() {
            return stopped;
        }

        String flush() {
            String out = held + partial.toString(StandardCharsets.UTF_8);
            held.setLength(0);
            partial.reset();
            return out;
        }

        private static boolean complete(byte[] b) {
            int lead = b[0] & 0xFF;
            int need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return b.length >= need;
        }
    }
}
