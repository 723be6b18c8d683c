package dev.cria.loader;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.engine.LlamaEngine;
import dev.cria.engine.ModelInfo;
import dev.cria.io.gguf.GgufFile;
import dev.cria.kernels.ComputePool;
import dev.cria.model.ActivationType;
import dev.cria.model.LlamaConfig;
import dev.cria.model.LlamaModel;
import dev.cria.model.LlamaWeights;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.util.ModelFormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.cria.util.ModelFormatException.quote;

/**
 * File or folder → a running engine: the one place that knows both the file formats and the model,
 * and the entry that builds every engine. It depends on {@code dev.cria.engine}, never the reverse.
 */
public final class ModelLoader {
    /** Prompt tokens per forward pass; also the widest batch the engine runs. */
    static final int MAX_BATCH = 256;

    private ModelLoader() {
    }

    /** A model's config and weights, and what must be closed to release its file mappings. */
    public record Weights(LlamaConfig config, LlamaWeights weights, String name, String description,
                          AutoCloseable source) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            source.close();
        }
    }

    /** Config and weights only (no tokenizer): for benchmarks and tests of the forward pass. */
    public static Weights loadWeights(Path model) {
        return loadWeights(model, LoadProgress.NONE);
    }

    /** {@link #loadWeights(Path)}, telling {@code progress} how far it is. */
    public static Weights loadWeights(Path model, LoadProgress progress) {
        return loadWeights(model, ActivationType.F32, progress);
    }

    /**
     * {@link #loadWeights(Path, LoadProgress)} laid out for a model with {@code activations}: with
     * {@link ActivationType#Q8}, Q4_0, Q4_K and Q6_K matrices are interleaved for the integer kernels
     * ({@link Interleaving}; 512- or 256-bit kernels, so on every CPU the engine runs on), which only a
     * Q8 {@link LlamaModel} multiplies at speed.
     */
    public static Weights loadWeights(Path model, ActivationType activations, LoadProgress progress) {
        return reading(model, () -> readWeights(model, activations, progress));
    }

    /** The tokenizer of a GGUF file (tokenizer.ggml.*) or a Hugging Face folder (tokenizer.json). */
    public static Tokenizer loadTokenizer(Path model) {
        return reading(model, () -> {
            if (Files.isDirectory(model)) return HfLlama.tokenizer(model, LoadProgress.NONE);
            try (GgufFile f = GgufFile.open(model)) {
                return GgufTokenizerKeys.tokenizer(f);
            }
        });
    }

    /**
     * Loads a model (a GGUF file or a Hugging Face folder) and starts its engine loop: the one way
     * to an {@link Engine} on real weights. Throws {@link ModelFormatException} with a one-line
     * message for files it cannot load.
     */
    public static Engine openEngine(Path model, EngineOptions options) {
        return openEngine(model, options, LoadProgress.NONE);
    }

    /** {@link #openEngine(Path, EngineOptions)}, telling {@code progress} how far the load is. */
    public static Engine openEngine(Path model, EngineOptions options, LoadProgress progress) {
        if (!Files.exists(model)) throw new ModelFormatException(model + ": no such file or folder");
        Model m = reading(model, () -> readModel(model, options.activations(), progress));
        return start(model.toAbsolutePath().toString(), m.weights(), m.tokenizer(), options);
    }

    /**
     * {@link #openEngine} for a second model beside {@code neighbour} (a Llama Guard classifier): its
     * matmuls run on {@code neighbour}'s compute threads when that is a {@link LlamaEngine} (so two
     * models never oversubscribe the cores; their steps interleave), with a KV pool of its own sized
     * by {@code options}.
     */
    public static Engine openEngine(Path model, EngineOptions options, Engine neighbour) {
        if (!(neighbour instanceof LlamaEngine le)) return openEngine(model, options);
        if (!Files.exists(model)) throw new ModelFormatException(model + ": no such file or folder");
        Model m = reading(model, () -> readModel(model, options.activations(), LoadProgress.NONE));
        return start(model.toAbsolutePath().toString(), m.weights(), m.tokenizer(), options, le.computePool().retain());
    }

    /**
     * The chat template a model carries: GGUF {@code tokenizer.chat_template}, or {@code chat_template}
     * of a Hugging Face folder's tokenizer_config.json; null when it has none.
     */
    public static String chatTemplate(Path model) {
        return reading(model, () -> {
            if (Files.isDirectory(model)) {
                Path config = model.resolve("tokenizer_config.json");
                if (!Files.exists(config)) return null;
                try {
                    Object t = dev.cria.util.StrictJson.parseObject(Files.readString(config)).get("chat_template");
                    return t instanceof String s ? s : null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            try (GgufFile f = GgufFile.open(model)) {
                return f.getString("tokenizer.chat_template", null);
            }
        });
    }

    /**
     * Every public entry reads its files through here, so that a load failure no check caught is one
     * line naming the file: the CLI prints messages, and a bare "Index 0 out of bounds for length 0"
     * would not say which file is at fault. A {@link ModelFormatException} already is such a line.
     */
    static <T> T reading(Path model, Supplier<T> read) {
        try {
            return read.get();
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException(model.getFileName() + ": cannot load (" + quote(String.valueOf(e)) + ")", e);
        }
    }

    private static Weights readWeights(Path model, ActivationType activations, LoadProgress progress) {
        if (Files.isDirectory(model)) return HfLlama.load(model, progress);
        return readGgufWeights(model, activations == ActivationType.Q8, progress);
    }

    /**
     * A GGUF file's weights, with {@code interleave} every Q4_0, Q4_K and Q6_K matrix whose shape
     * allows it interleaved for the integer kernels whatever the CPU: for tests.
     */
    static Weights loadGgufWeights(Path model, boolean interleave, LoadProgress progress) {
        return reading(model, () -> readGgufWeights(model, interleave, progress));
    }

    /** A GGUF file's mapping and the memory of the weights interleaved from it: closed together. */
    private record GgufSource(GgufFile file, Arena interleaved) implements AutoCloseable {
        @Override
        public void close() {
            try {
                file.close();
            } finally {
                interleaved.close();
            }
        }
    }

    private static Weights readGgufWeights(Path model, boolean interleave, LoadProgress progress) {
        PhaseReport mapping = PhaseReport.start(progress, LoadPhase.MAPPING, bytes(model));
        GgufSource source = new GgufSource(GgufFile.open(model), Arena.ofShared());
        try {
            GgufFile f = source.file();
            GgufLlama src = new GgufLlama(f);
            LlamaConfig c = src.config();
            mapping.finish();
            LlamaWeights w = src.llamaWeights(c, progress);
            if (interleave) w = Interleaving.apply(w, source.interleaved(), progress);
            String name = f.getString("general.name", stripExtension(model.getFileName().toString()));
            return new Weights(c, w, name, name + " " + w.output().type(), source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** A file's size for a progress total; 0 if unreadable (the load itself then says why). */
    static long bytes(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The weights' bytes on disk: a GGUF file, or a folder's safetensors files. */
    static long modelBytes(Path model) {
        if (!Files.isDirectory(model)) return bytes(model);
        try (Stream<Path> files = Files.list(model)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors")).mapToLong(ModelLoader::bytes).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Weights and tokenizer of one model, before its engine starts. */
    private record Model(Weights weights, Tokenizer tokenizer) {
    }

    private static Model readModel(Path model, ActivationType activations, LoadProgress progress) {
        Weights w = readWeights(model, activations, progress);
        try {
            return new Model(w, Files.isDirectory(model) ? HfLlama.tokenizer(model, progress) : ggufTokenizer((GgufSource) w.source(), progress));
        } catch (RuntimeException e) {
            closeQuietly(w);
            throw e;
        }
    }

    /** A GGUF's one mapping and one header parse serve both the tokenizer and the weights. */
    private static Tokenizer ggufTokenizer(GgufSource source, LoadProgress progress) {
        PhaseReport.start(progress, LoadPhase.TOKENIZER, 0); // the keys are parsed already: no bytes to count
        return GgufTokenizerKeys.tokenizer(source.file());
    }

    /**
     * An engine on random weights with real Llama 3.2 shapes ({@link SyntheticModel}, e.g. "1b:Q4_0")
     * and the Llama 3 tokenizer of {@code tokenizerSource} (any Llama 3 GGUF file or HF folder):
     * for load tests of the whole server without downloading weights. Its text is gibberish.
     */
    public static Engine openSynthetic(String spec, Path tokenizerSource, EngineOptions options) {
        Tokenizer tokenizer = loadTokenizer(tokenizerSource);
        SyntheticModel.Synthetic s = SyntheticModel.create(spec);
        Weights w = new Weights(s.config(), s.weights(), s.description(), s.description(), s.arena()::close);
        return start("synthetic:" + spec, w, tokenizer, options);
    }

    private static Engine start(String path, Weights w, Tokenizer tokenizer, EngineOptions options) {
        return start(path, w, tokenizer, options, null);
    }

    private static Engine start(String path, Weights w, Tokenizer tokenizer, EngineOptions options, ComputePool shared) {
        try {
            LlamaConfig c = w.config();
            if (tokenizer.vocabSize() > c.vocabSize()) {
                throw new ModelFormatException(quote(w.name()) + ": the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model only " + c.vocabSize());
            }
            int ctx = options.contextSize() > 0 ? options.contextSize() : Math.min(8192, c.contextLength());
            if (ctx > c.contextLength()) {
                throw new IllegalArgumentException("--ctx-size " + ctx + " exceeds the model's context length " + c.contextLength());
            }
            int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
            ComputePool pool = shared != null ? shared : new ComputePool(threads);
            LlamaModel m = new LlamaModel(c, w.weights(), pool, MAX_BATCH, options.activations());
            ModelInfo info = new ModelInfo(w.name(), path, "llama", ctx, c.contextLength(),
                    c.vocabSize(), w.weights().parameterCount(), w.weights().layers().get(0).wq().type().name());
            return new LlamaEngine(m, tokenizer, info, pool, options, w);
        } catch (RuntimeException e) {
            if (shared != null) shared.close();
            closeQuietly(w);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing with a better message
        }
    }

    static String stripExtension(String file) {
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }
}
