package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.grammar.Grammar;
import dev.cria.grammar.GrammarException;
import dev.cria.grammar.json.JsonSchemaGrammar;
import dev.cria.util.StrictJson;
import dev.cria.engine.EngineOptions;
import dev.cria.loader.ModelLoader;
import dev.cria.model.ActivationType;
import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;
import dev.cria.engine.GenerationRequest;
import dev.cria.sampling.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cria generate MODEL --prompt TEXT}: raw completion (no chat template), only the generated text on stdout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt (raw completion, no chat template); prints only the generated text.")
final class GenerateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, Hugging Face folder, or Hub model org/name[:QUANT] (pulled on first use)")
    Path model;

    @Option(names = "--prompt", required = true, description = "Text to continue (BOS added as the model file says)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Tokens to generate at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1") double topP;
    @Option(names = "--top-k", defaultValue = "0", description = "0 = off") int topK;
    @Option(names = "--seed") Long seed;
    @Option(names = "--ctx-size", defaultValue = "0", description = "Context tokens (0 = min(8192, the model's))") int ctxSize;
    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Compute threads (0 = all cores)") int threads;
    @Option(names = "--activations", paramLabel = "TYPE", converter = EngineFlags.ActivationName.class, defaultValue = "f32",
            description = EngineFlags.ACTIVATIONS_HELP)
    ActivationType activations;
    @Option(names = "--ignore-eos", description = "Keep generating past end-of-generation tokens") boolean ignoreEos;
    @Option(names = "--json-schema", paramLabel = "FILE", description = "Constrain the output to JSON that validates against this JSON Schema")
    Path jsonSchema;
    @Option(names = "--grammar", paramLabel = "FILE", description = "Constrain the output to this GBNF grammar (llama.cpp's format, root rule 'root')")
    Path grammar;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be at least 0");
        if (jsonSchema != null && grammar != null) throw new IllegalArgumentException("--json-schema and --grammar cannot be used together");
        String gbnf = constraint();
        SamplingParams sampling = new SamplingParams(temperature, topP, topK, 0, seed, 0, 0, 1, Map.of());
        sampling.validate();
        model = HubModels.localModel(model);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Engine engine = load(new EngineOptions(ctxSize, threads, 1, 1).withActivations(activations))) {
            int[] text = engine.tokenize(prompt, false);
            int[] ids = text;
            if (engine.addBos()) {
                ids = new int[text.length + 1];
                ids[0] = engine.bosId();
                System.arraycopy(text, 0, ids, 1, text.length);
            }
            GenerationRequest request = new GenerationRequest(ids, sampling, maxTokens, List.of(), ignoreEos, -1);
            if (gbnf != null) request = request.withGrammar(engine.compileGrammar(Grammar.parse(gbnf)));
            GenerationHandle h = engine.submit(request);
            while (true) {
                GenerationEvent e = h.next();
                if (e instanceof GenerationEvent.Token t) {
                    out.print(t.text());
                } else if (e instanceof GenerationEvent.Finished f) {
                    out.print(f.text());
                    out.flush();
                    return 0;
                } else if (e instanceof GenerationEvent.Failed f) {
                    System.err.println("cria: " + f.message());
                    return 1;
                }
            }
        }
    }

    /** The engine, the load's progress on stderr (stdout holds only the generated text). */
    private Engine load(EngineOptions options) {
        try (LoadProgressBar loading = LoadProgressBar.onStderr(model)) {
            Engine engine = ModelLoader.openEngine(model, options, loading);
            loading.finished("cria: " + loading.loaded(engine.info().name(), ""));
            return engine;
        }
    }

    /** The GBNF of --json-schema or --grammar (checked before the model loads), or null. */
    private String constraint() {
        if (jsonSchema != null) {
            Object schema = StrictJson.readObjectFile(jsonSchema, jsonSchema.toString());
            try {
                String gbnf = JsonSchemaGrammar.gbnf(schema);
                Grammar.parse(gbnf);
                return gbnf;
            } catch (GrammarException e) {
                throw new IllegalArgumentException(jsonSchema + ": " + e.getMessage());
            }
        }
        if (grammar == null) return null;
        String text;
        try {
            text = Files.readString(grammar, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(grammar + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(grammar + ": cannot read: " + e.getMessage());
        }
        try {
            Grammar.parse(text);
        } catch (GrammarException e) {
            throw new IllegalArgumentException(grammar + ": " + e.getMessage());
        }
        return text;
    }
}
