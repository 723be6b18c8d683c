package dev.cria.api;

import dev.cria.engine.ContextLengthExceededException;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineBusyException;
import dev.cria.engine.EngineOptions;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.grammar.TokenGrammar;
import dev.cria.loader.ModelLoader;
import dev.cria.sampling.SamplingParams;
import dev.cria.util.ModelFormatException;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A Llama 3.x model running in this JVM: the one entry of Cria's library API.
 *
 * <p>{@link #open(Path)} (or {@link #builder()}) loads a GGUF file or a Hugging Face folder and starts
 * the engine's loop thread. One {@code Cria} serves any number of threads at once: their answers are
 * batched together (continuous batching), {@link Builder#parallel} of them computed at a time, the
 * rest waiting in a queue. {@link #chat} blocks until the answer is complete; {@link #stream} yields
 * it piece by piece and can be cancelled; {@link #publish} is the same as a {@code Flow.Publisher}. {@link #close()} stops the engine and releases the model's
 * memory; answers still running end as {@link FinishReason#CANCELLED}.
 *
 * <p>The JVM needs {@code --add-modules jdk.incubator.vector} (the kernels use the Vector API) and,
 * to map model files without a warning, {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class Cria implements AutoCloseable {
    private final Engine engine;
    private final ChatPrompts prompts;
    private final OutputGrammars grammars;

    private Cria(Engine engine) {
        this.engine = engine;
        this.prompts = new ChatPrompts(engine);
        this.grammars = new OutputGrammars(engine);
    }

    /** Opens {@code model} (a .gguf file or a Hugging Face folder) with the default options. */
    public static Cria open(Path model) {
        return builder().model(model).build();
    }

    /** A builder: the model and how to run it. */
    public static Builder builder() {
        return new Builder();
    }

    /** Wraps an engine built elsewhere (tests, {@code ModelLoader.openSynthetic}); closing Cria closes it. */
    static Cria of(Engine engine) {
        return new Cria(engine);
    }

    /** The model's name ({@code general.name}, or the file's name). */
    public String modelName() {
        return engine.info().name();
    }

    /** Tokens of context one conversation may use: its prompt and its answer together. */
    public int contextLength() {
        return engine.info().contextLength();
    }

    /** How many tokens {@code messages} take once rendered with the chat template. */
    public int countTokens(List<Message> messages, List<Tool> tools) {
        return prompts.render(messages, tools).length;
    }

    /** Answers {@code messages} with {@link ChatOptions#defaults()}. */
    public ChatResult chat(List<Message> messages) {
        return chat(messages, ChatOptions.defaults());
    }

    /**
     * Answers {@code messages}; blocks until the answer is complete. With tools, the result holds
     * the calls the model made ({@link ChatResult#toolCalls}); run them and send the results back
     * as {@link Message#toolResult} messages in the next call.
     *
     * @throws IllegalArgumentException for options or a conversation Cria cannot take (the message says which)
     * @throws CriaException            when the engine is busy, the conversation is too long for the context,
     *                                  or the generation failed
     * @throws IllegalStateException    after {@link #close()}
     */
    public ChatResult chat(List<Message> messages, ChatOptions options) {
        try (ChatStream stream = stream(messages, options)) {
            return stream.result();
        }
    }

    /**
     * Starts answering {@code messages} and returns at once: iterate the stream for the text as it
     * comes; {@link ChatStream#close()} (or {@link ChatStream#cancel()}) stops the generation and frees
     * its place in the engine at the next step. Exceptions as {@link #chat(List, ChatOptions)}.
     */
    public ChatStream stream(List<Message> messages, ChatOptions options) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        int[] prompt = prompts.render(messages, options.tools());
        OutputGrammars.Constraint constraint = grammars.constraint(options);
        GenerationRequest request = request(prompt, options).withGrammar(constraint.grammar());
        GenerationHandle handle;
        try {
            handle = engine.submit(request);
        } catch (EngineBusyException e) {
            throw new CriaException(e.getMessage(), e, true);
        } catch (ContextLengthExceededException e) {
            throw new CriaException(e.getMessage(), e);
        }
        boolean mayCall = !options.tools().isEmpty() && !(options.toolChoice() instanceof ToolChoice.None);
        return new ChatStream(handle, prompts, mayCall, constraint.callsOnly());
    }

    /**
     * The answer as a {@link java.util.concurrent.Flow.Publisher}, for reactive code: nothing runs until a
     * subscriber subscribes; it then gets {@link ChatDelta}s as it requests them, and cancelling its
     * subscription stops the generation. One subscriber per call. Errors
     * ({@link #stream}'s exceptions) reach the subscriber's {@code onError}.
     */
    public java.util.concurrent.Flow.Publisher<ChatDelta> publish(List<Message> messages, ChatOptions options) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(options, "options");
        return new ChatPublisher(() -> stream(messages, options));
    }

    private GenerationRequest request(int[] prompt, ChatOptions options) {
        SamplingParams sampling = new SamplingParams(options.temperature(), options.topP(), options.topK(), 0,
                options.seed(), 0, 0, 1, null).validate();
        // 0 = no limit of our own: the engine stops at the context's end anyway.
        int maxTokens = options.maxTokens() == 0 ? contextLength() : options.maxTokens();
        return new GenerationRequest(prompt, sampling, maxTokens, options.stop(), false, -1);
    }

    /** Stops the engine: running answers end as cancelled; the model's memory is released. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    /** The model and how to run it; {@link #build()} loads it. */
    public static final class Builder {
        private Path model;
        private EngineOptions options = EngineOptions.defaults();
        private int parallel = options.parallel();
        private int maxQueue = options.maxQueue();

        private Builder() {
        }

        /** A .gguf file or a Hugging Face folder (config.json, safetensors, tokenizer.json). */
        public Builder model(Path model) {
            this.model = model;
            return this;
        }

        /** Tokens of context per conversation; 0 (the default) = the model's, at most 8192. */
        public Builder contextSize(int tokens) {
            options = options.withContextSize(tokens);
            return this;
        }

        /** Compute threads; 0 (the default) = all cores. */
        public Builder threads(int threads) {
            options = options.withThreads(threads);
            return this;
        }

        /** Conversations computed at once (default 4); more wait in the queue. */
        public Builder parallel(int conversations) {
            this.parallel = conversations;
            return this;
        }

        /** Conversations that may wait beyond the running ones (default 64) before {@link CriaException#busy()}. */
        public Builder maxQueue(int conversations) {
            this.maxQueue = conversations;
            return this;
        }

        /**
         * Loads the model and starts the engine.
         *
         * @throws CriaException when the model cannot be read (the message names the file and the problem)
         */
        public Cria build() {
            Objects.requireNonNull(model, "model");
            EngineOptions o = new EngineOptions(options.contextSize(), options.threads(), maxQueue, parallel,
                    options.kvMemoryBytes(), options.kvType(), options.activations());
            try {
                return new Cria(ModelLoader.openEngine(model, o));
            } catch (ModelFormatException e) {
                throw new CriaException(e.getMessage(), e);
            }
        }
    }
}
