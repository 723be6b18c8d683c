package dev.cria.engine;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.grammar.Grammar;
import dev.cria.grammar.TokenGrammar;

import java.util.List;

/**
 * The public facade of the engine: everything the server and the CLI need, in token ids and
 * text (never JSON or HTTP). Thread-safe; generation runs on the engine's own loop thread.
 *
 * <p>{@link dev.cria.loader.ModelLoader#openEngine} builds one from a GGUF file or a Hugging Face
 * folder, {@link dev.cria.loader.ModelLoader#openSynthetic} one on random weights. The loader
 * depends on this package, never the reverse: an engine knows no file format.
 */
public interface Engine extends AutoCloseable {
    ModelInfo info();

    /** Text → ids; {@code special} lets the text contain control tokens such as {@code <|eot_id|>}. No BOS added. */
    int[] tokenize(String text, boolean special);

    /**
     * The most bytes one token of the vocabulary stands for, special tokens included. Every token of
     * {@link #tokenize} covers at least one byte and at most this many bytes of the text's UTF-8, so a
     * text of B bytes is at least ceil(B / longestTokenBytes()) tokens: a bound found without
     * tokenizing. The default, {@link Integer#MAX_VALUE}, bounds nothing.
     */
    default int longestTokenBytes() {
        return Integer.MAX_VALUE;
    }

    /** Ids → text (special tokens render as their text); invalid UTF-8 becomes U+FFFD. */
    String detokenize(int[] ids);

    /** The raw bytes of one token. */
    byte[] tokenBytes(int id);

    /** The BOS id, added by the template (chat) or by the caller for raw completion when {@link #addBos()}. */
    int bosId();

    /** Whether raw completions start with BOS (GGUF tokenizer.ggml.add_bos_token). */
    boolean addBos();

    /**
     * Renders a conversation with the model's chat template to ids (BOS included). Throws
     * {@link IllegalArgumentException} with a client-facing message for conversations the
     * template rejects. {@code tools} are JSON values (usually Maps) as the client sent them; null or
     * empty means no tools.
     */
    int[] renderChat(List<ChatMessage> messages, List<Object> tools, boolean addGenerationPrompt);

    /** Tool calls in generated text, or an empty list when the text is not a tool call. */
    List<ToolCall> parseToolCalls(String text);

    /**
     * {@code grammar} compiled against this model's vocabulary, for {@link GenerationRequest#grammar}.
     * The vocabulary's token trie is built once per engine; each compiled grammar caches its own masks,
     * so a grammar used by many requests (a tool set, a schema) is worth keeping.
     */
    TokenGrammar compileGrammar(Grammar grammar);

    /**
     * GBNF text compiled against this model's vocabulary; the text is parsed only when the vocabulary
     * has not kept a grammar of it (a schema or tool set sent with every request compiles once).
     *
     * @throws dev.cria.grammar.GrammarException naming where the text is malformed
     */
    default TokenGrammar compileGrammar(String gbnf) {
        return compileGrammar(Grammar.parse(gbnf));
    }

    /** Queues a generation. Throws {@link EngineBusyException} when the wait queue is full. */
    GenerationHandle submit(GenerationRequest request);

    /**
     * Queues the generations of one API request (its n choices, its prompts) as one unit: all are
     * queued, or none and {@link EngineBusyException} (or the first request's validation error) is
     * thrown. Handles come back in the order of the requests. This default submits them one by one
     * and cancels those already queued when one is refused; an engine with a bounded queue should
     * count the group as one request, as {@link LlamaEngine} does.
     */
    default List<GenerationHandle> submitAll(List<GenerationRequest> requests) {
        List<GenerationHandle> handles = new java.util.ArrayList<>(requests.size());
        try {
            for (GenerationRequest r : requests) handles.add(submit(r));
        } catch (RuntimeException e) {
            handles.forEach(GenerationHandle::cancel);
            throw e;
        }
        return handles;
    }

    /** Counters, gauges and latency histograms for monitoring. */
    EngineStats stats();

    /** Stops the loop: cancels what runs, frees memory. */
    @Override
    void close();
}
