package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.server.CriaServer;
import dev.cria.server.ServerOptions;
import dev.cria.kv.KvType;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cria serve MODEL}: the OpenAI-compatible HTTP server. It binds at once (answering 503
 * while the model loads), and on SIGTERM or Ctrl-C stops accepting work, lets in-flight requests
 * finish within {@code --shutdown-timeout}, cancels the rest and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over the OpenAI API (/v1, /v3/openai), /score, /tokenize and /health.")
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file or Hugging Face folder")
    Path model;

    @Option(names = "--synthetic", paramLabel = "SIZE:TYPE",
            description = "Serve random weights with real Llama 3.2 shapes (1b:Q4_0, 3b:Q8_0, 1b:Q4_K_M ...) instead of MODEL's,"
                    + " keeping MODEL's tokenizer and template: for speed and load tests without downloading weights")
    String synthetic;

    @Option(names = "--host", description = "Interface to bind (default: 127.0.0.1 without an API key, else 0.0.0.0)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--api-key", description = "Accepted API key (repeatable); clients send Authorization: Bearer KEY")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--api-key-file", description = "File with one API key per line (blank lines and # comments ignored)")
    Path apiKeyFile;

    @Option(names = "--ctx-size", defaultValue = "0", description = "Context tokens (0 = min(8192, the model's))")
    int ctxSize;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Compute threads (0 = all cores)")
    int threads;

    @Option(names = "--parallel", defaultValue = "4", description = "Sequences generated at once (continuous batching; default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--max-queue", defaultValue = "64", description = "Requests waiting beyond the running ones before 429 (at least 1; default ${DEFAULT-VALUE})")
    int maxQueue;

    @Option(names = "--kv-memory", paramLabel = "BYTES", converter = ByteSize.class, defaultValue = "0",
            description = "KV cache pool size: bytes, or with K, M, G, T (powers of 1024), e.g. 512M, 2G "
                    + "(default 0 = ctx-size × parallel tokens)")
    long kvMemory;

    @Option(names = "--kv-type", paramLabel = "TYPE", converter = KvTypeName.class, defaultValue = "f32",
            description = "How the KV cache stores keys and values: f32, f16 or q8_0 (default ${DEFAULT-VALUE})")
    KvType kvType;

    @Spec
    CommandSpec spec;

    @Option(names = "--model-id", description = "The model id clients send (default: the model's general.name)")
    String modelId;

    @Option(names = "--alias", description = "Another name the model answers to (repeatable)")
    List<String> aliases = new ArrayList<>();

    @Option(names = "--provider-model-id", description = "Model id under /v3/openai (default: meta-llama/llama-3.2-1b-instruct or -3b-, by size)")
    String providerModelId;

    @Option(names = "--cors", description = "Allow browsers from this origin (repeatable; * = any). Off by default.")
    List<String> cors = new ArrayList<>();

    @Option(names = "--max-body-bytes", defaultValue = "8388608", description = "Larger request bodies get 413 (default ${DEFAULT-VALUE})")
    long maxBodyBytes;

    @Option(names = "--shutdown-timeout", defaultValue = "30", description = "Seconds in-flight requests may take to finish on shutdown (default ${DEFAULT-VALUE})")
    int shutdownSeconds;

    /** The server options these flags describe (keys read from the key file too). */
    ServerOptions serverOptions() throws IOException {
        List<String> keys = new ArrayList<>(apiKeys);
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) throw new IllegalArgumentException("--api-key-file: no such file: " + apiKeyFile);
            for (String line : Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) keys.add(k);
            }
            if (keys.isEmpty()) throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " holds no key");
        }
        if (shutdownSeconds < 0) throw new IllegalArgumentException("--shutdown-timeout must be at least 0");
        return new ServerOptions(host, port, keys, modelId, aliases, providerModelId, cors, maxBodyBytes,
                Duration.ofSeconds(shutdownSeconds));
    }

    /** The engine options these flags describe; a value out of range is a usage error (exit 2). */
    EngineOptions engineOptions() {
        if (maxQueue < 1) throw new ParameterException(spec.commandLine(), "--max-queue must be at least 1, got " + maxQueue);
        if (parallel < 1) throw new ParameterException(spec.commandLine(), "--parallel must be at least 1, got " + parallel);
        if (ctxSize < 0) throw new ParameterException(spec.commandLine(), "--ctx-size must be at least 0, got " + ctxSize);
        if (threads < 0) throw new ParameterException(spec.commandLine(), "--threads must be at least 0, got " + threads);
        return new EngineOptions(ctxSize, threads, maxQueue, parallel, kvMemory, kvType);
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

    @Override
    public Integer call() throws Exception {
        EngineOptions engineOptions = engineOptions();
        if (!Files.exists(model)) throw new IllegalArgumentException("no such model file or folder: " + model);
        ServerOptions options = serverOptions();
        CountDownLatch shutdown = new CountDownLatch(1);
        // SIGTERM (service managers) and SIGINT (Ctrl-C) both drain gracefully and exit 0; the JVM's
        // default would run shutdown hooks and exit 143/130 instead.
        Signal.handle(new Signal("TERM"), s -> shutdown.countDown());
        Signal.handle(new Signal("INT"), s -> shutdown.countDown());
        CriaServer server = CriaServer.startLoading(() -> synthetic != null
                ? dev.cria.loader.ModelLoader.openSynthetic(synthetic, model, engineOptions)
                : Engine.open(model, engineOptions), options);
        System.err.println("cria: listening on http://" + options.bindHost() + ":" + server.port()
                + (options.apiKeys().isEmpty() ? " (no API key: loopback only unless --host says otherwise)" : "")
                + "; loading " + model);
        try {
            Thread.ofVirtual().start(() -> {
                try {
                    server.awaitLoaded();
                    long ms = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
                    System.err.println("cria: ready (" + ms + " ms after the JVM started)");
                } catch (Exception e) {
                    shutdown.countDown();
                }
            });
            shutdown.await();
            try {
                server.awaitLoadedIfDone();
            } catch (Exception e) {
                System.err.println("cria: cannot load " + model + ": " + (e.getMessage() == null ? e : e.getMessage()));
                return 1;
            }
            System.err.println("cria: shutting down (up to " + shutdownSeconds + " s for in-flight requests)");
            return 0;
        } finally {
            server.stop();
        }
    }
}
