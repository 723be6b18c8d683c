package dev.cria.cli;

import dev.cria.chat.ChatMessage;
import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.engine.FinishReason;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.loader.ModelLoader;
import dev.cria.sampling.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code cria chat MODEL}: an interactive chat in the terminal. Answers stream as they are
 * generated; the conversation is kept as history; {@code /reset} starts over, {@code /exit} (or
 * Ctrl-D) quits; Ctrl-C stops the answer being written, not the program.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with a model in the terminal (/reset clears the history, /exit quits, Ctrl-C stops an answer).")
final class ChatCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, Hugging Face folder, or Hub model org/name[:QUANT] (pulled on first use)")
    Path model;

    @Option(names = "--system", description = "System prompt put first in the conversation")
    String system;

    @Option(names = "--temperature", defaultValue = "0.6", description = "0 = greedy (default ${DEFAULT-VALUE}, Llama 3.2's generation_config)")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.9", description = "(default ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", description = "Seed for reproducible sampling")
    Long seed;

    @Option(names = "--max-tokens", defaultValue = "1024", description = "Tokens per answer at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--ctx-size", defaultValue = "0", description = "Context tokens (0 = min(8192, the model's))")
    int ctxSize;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Compute threads (0 = all cores)")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 1) throw new IllegalArgumentException("--max-tokens must be at least 1");
        if (temperature < 0) throw new IllegalArgumentException("--temperature must be at least 0");
        model = HubModels.localModel(model);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        SamplingParams sampling = new SamplingParams(temperature, topP, 0, 0, seed, 0, 0, 1, Map.of());
        boolean terminal = System.console() != null && System.console().isTerminal();
        Engine loaded;
        try (LoadProgressBar loading = LoadProgressBar.onStderr(model)) {
            loaded = ModelLoader.openEngine(model, new EngineOptions(ctxSize, threads, 1, 1), loading);
            loading.finished("cria: " + loading.loaded(loaded.info().name(), "context " + loaded.info().contextLength()));
        }
        try (Engine engine = loaded) {
            Session session = new Session(engine, sampling, maxTokens, system, out, terminal, Warmup.start(engine, system));
            // Ctrl-C stops the answer being written; at the prompt it only reminds how to quit.
            Signal.handle(new Signal("INT"), s -> session.interrupt());
            out.println("cria chat: " + engine.info().name() + " — /reset clears the history, /exit quits, Ctrl-C stops an answer.");
            session.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
        }
        return 0;
    }

    /** The conversation loop, apart from the terminal and the model file (tests drive it with a reader). */
    static final class Session {
        private final Engine engine;
        private final SamplingParams sampling;
        private final int maxTokens;
        private final String system;
        private final PrintStream out;
        private final List<ChatMessage> history = new ArrayList<>();
        private final AtomicReference<GenerationHandle> current = new AtomicReference<>();
        /** On a terminal a spinner shows until the first token. */
        private final boolean terminal;
        /** The JIT warm-up still running from the load, or null. */
        private Warmup warmup;

        Session(Engine engine, SamplingParams sampling, int maxTokens, String system, PrintStream out) {
            this(engine, sampling, maxTokens, system, out, false, null);
        }

        Session(Engine engine, SamplingParams sampling, int maxTokens, String system, PrintStream out, boolean terminal, Warmup warmup) {
            this.engine = engine;
            this.sampling = sampling;
            this.maxTokens = maxTokens;
            this.system = system;
            this.out = out;
            this.terminal = terminal;
            this.warmup = warmup;
            reset();
        }

        List<ChatMessage> history() {
            return List.copyOf(history);
        }

        private void reset() {
            history.clear();
            if (system != null && !system.isBlank()) history.add(ChatMessage.of("system", system));
        }

        /** Ctrl-C: cancel the answer in progress, if any. */
        void interrupt() {
            GenerationHandle h = current.get();
            if (h != null) {
                h.cancel();
            } else {
                out.print("\n(type /exit or press Ctrl-D to quit)\n> ");
                out.flush();
            }
        }

        void run(BufferedReader in) throws IOException, InterruptedException {
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null) {
                    out.println();
                    return;
                }
                String text = line.strip();
                if (text.isEmpty()) continue;
                switch (text) {
                    case "/exit", "/quit" -> {
                        return;
                    }
                    case "/reset" -> {
                        reset();
                        out.println("(history cleared)");
                        continue;
                    }
                    default -> {
                        if (text.startsWith("/")) {
                            out.println("(commands: /reset, /exit)");
                            continue;
                        }
                    }
                }
                answer(line);
            }
        }

        private void answer(String userText) throws InterruptedException {
            history.add(ChatMessage.of("user", userText));
            int[] prompt = engine.renderChat(history, null, true); // null = no tools (an empty list renders the tool preamble)
            int room = engine.info().contextLength() - prompt.length;
            if (room < 1) {
                history.removeLast();
                out.println("(the conversation no longer fits the context: /reset to start over)");
                return;
            }
            if (warmup != null) {
                warmup.cancel();
                warmup = null;
            }
            AnswerTiming timing = new AnswerTiming();
            GenerationHandle h = engine.submit(new GenerationRequest(prompt, sampling, Math.min(maxTokens, room), List.of(), false, -1));
            current.set(h);
            Spinner spinner = terminal ? Spinner.start(out) : null;
            StringBuilder answer = new StringBuilder();
            FinishReason reason = null;
            int tokens = 0;
            try {
                while (reason == null) {
                    GenerationEvent event = h.next();
                    if (spinner != null) spinner.stop();
                    switch (event) {
                        case GenerationEvent.Token t -> {
                            timing.token();
                            answer.append(t.text());
                            out.print(t.text());
                            out.flush();
                        }
                        case GenerationEvent.Finished f -> {
                            answer.append(f.text());
                            out.print(f.text());
                            reason = f.reason();
                            tokens = f.usage().completionTokens();
                        }
                        case GenerationEvent.Failed f -> {
                            out.println("\n(error: " + f.message() + ")");
                            history.removeLast();
                            return;
                        }
                    }
                }
            } finally {
                if (spinner != null) spinner.stop();
                current.set(null);
            }
            out.println();
            if (reason == FinishReason.CANCELLED) out.println("(stopped)");
            if (reason == FinishReason.LENGTH) out.println("(answer cut at the token limit)");
            out.println(timing.summary(tokens));
            // A stopped answer stays in the history, as the user saw it.
            history.add(ChatMessage.of("assistant", answer.toString()));
        }
    }
}
