package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.kv.KvType;
import dev.cria.loader.LoadProgress;
import dev.cria.loader.ModelLoader;
import dev.cria.model.ActivationType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The engine flags every serving command shares (a picocli mixin): context, threads, batching, KV cache, synthetic weights. */
final class EngineFlags {
    static final String ACTIVATIONS_HELP = "What the weight matmuls multiply the weights with: q8 (default: activations rounded "
            + "to int8 blocks like llama.cpp, integer kernels for Q4_0 / Q4_K / Q6_K weights, others stay f32) or f32 (exact: "
            + "logits within float32 rounding of a float64 reference)";

    @Option(names = "--ctx-size", defaultValue = "0", description = "Context tokens (0 = min(8192, the model's))")
    int ctxSize;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Compute threads (0 = all cores)")
    int threads;

    @Option(names = "--parallel", defaultValue = "4", description = "Sequences generated at once (continuous batching; default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--kv-memory", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = "0",
            description = "KV cache pool size: bytes, or with K, M, G, T (powers of 1024), e.g. 512M, 2G "
                    + "(default 0 = ctx-size × parallel tokens)")
    long kvMemory;

    @Option(names = "--kv-type", paramLabel = "TYPE", converter = KvTypeName.class, defaultValue = "f32",
            description = "How the KV cache stores keys and values: f32, f16 or q8_0 (default ${DEFAULT-VALUE})")
    KvType kvType;

    @Option(names = "--activations", paramLabel = "TYPE", converter = ActivationName.class, defaultValue = "q8",
            description = ACTIVATIONS_HELP)
    ActivationType activations;

    @Option(names = "--synthetic", paramLabel = "SIZE:TYPE",
            description = "Serve random weights with real Llama 3.2 shapes (1b:Q4_0, 3b:Q8_0, 1b:Q4_K_M ...) instead of MODEL's,"
                    + " keeping MODEL's tokenizer and template: for speed and load tests without downloading weights")
    String synthetic;

    /** The engine options these flags describe; a value out of range is a usage error (exit 2). */
    EngineOptions options(int maxQueue, CommandSpec spec) {
        if (parallel < 1) throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, got " + parallel);
        if (ctxSize < 0) throw new ParameterException(spec.commandLine(), "--ctx-size must be at least 0, got " + ctxSize);
        if (threads < 0) throw new ParameterException(spec.commandLine(), "--threads must be at least 0, got " + threads);
        return new EngineOptions(ctxSize, threads, maxQueue, parallel, kvMemory, kvType, activations);
    }

    /** MODEL's engine, or with --synthetic random real-shape weights behind MODEL's tokenizer. */
    Engine open(Path model, EngineOptions options, LoadProgress progress) {
        return synthetic != null ? ModelLoader.openSynthetic(synthetic, model, options) : ModelLoader.openEngine(model, options, progress);
    }

    /** Bytes as a plain number or with a binary suffix: 4096, 512K, 512M, 2G, 1T (also 2GB, 2GiB; case-insensitive). */
    static final class ByteSize implements ITypeConverter<Long> {
        private static final Pattern FORM = Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

        @Override
        public Long convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && m.group(3).length() > 1)) {
                throw new TypeConversionException("expected bytes such as 4096, 512M or 2G, got '" + value + "'");
            }
            int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
                case "K" -> 10;
                case "M" -> 20;
                case "G" -> 30;
                case "T" -> 40;
                default -> 0;
            };
            try {
                long n = Long.parseLong(m.group(1));
                if (n > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
                return n << shift;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is too large");
            }
        }
    }

    /** f32 | f16 | q8_0, as llama.cpp's --cache-type-k names them. */
    static final class KvTypeName implements ITypeConverter<KvType> {
        @Override
        public KvType convert(String value) {
            for (KvType t : KvType.values()) {
                if (t.name().equalsIgnoreCase(value.strip())) return t;
            }
            throw new TypeConversionException("expected f32, f16 or q8_0, got '" + value + "'");
        }
    }

    /** f32 | q8. */
    static final class ActivationName implements ITypeConverter<ActivationType> {
        @Override
        public ActivationType convert(String value) {
            try {
                return ActivationType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
