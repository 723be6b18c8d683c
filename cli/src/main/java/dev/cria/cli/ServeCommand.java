package dev.cria.cli;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.server.CriaServer;
import dev.cria.server.ServerOptions;
import dev.cria.server.safety.ContentSafety;
import dev.cria.server.usage.Metering;
import dev.cria.server.usage.MeteringOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code cria serve MODEL}: the OpenAI-compatible HTTP server. It binds at once (answering 503
 * while the model loads), and on SIGTERM or Ctrl-C turns unready ({@code /ready} 503), keeps serving
 * for {@code --shutdown-delay}, then stops accepting work, lets in-flight requests finish within
 * {@code --shutdown-timeout}, cancels the rest and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over the OpenAI API (/v1, /v3/openai), /score, /tokenize, /health, /ready and /metrics.")
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, Hugging Face folder, or Hub model org/name[:QUANT] (pulled on first use)")
    Path model;

    @Mixin
    EngineFlags engine;

    @Mixin
    GuardFlags guardFlags;

    @Option(names = "--host", description = "Interface to bind (default: 127.0.0.1 without an API key, else 0.0.0.0)")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--api-key", description = "Accepted API key (repeatable). Shows in the process list: prefer --api-key-file or CRIA_API_KEY")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--api-key-file", description = "File with one API key per line (blank lines and # comments ignored); clients send Authorization: Bearer KEY")
    Path apiKeyFile;

    @Option(names = "--allowed-host", description = "Without an API key, another Host name to answer besides localhost, 127.0.0.0/8 and [::1] (repeatable; * = any)")
    List<String> allowedHosts = new ArrayList<>();

    /** Where CRIA_API_KEY is read (the process environment; a map in tests). */
    Map<String, String> environment = System.getenv();

    @Option(names = "--max-queue", defaultValue = "64", description = "Requests waiting beyond the running ones before 429 (at least 1; default ${DEFAULT-VALUE})")
    int maxQueue;

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

    @Option(names = "--shutdown-delay", defaultValue = "0", description = "Seconds to keep serving new requests after SIGTERM, "
            + "with /ready already 503, before draining: the time load balancers take to stop sending (default ${DEFAULT-VALUE}; 5 on Kubernetes)")
    int shutdownDelaySeconds;

    @Option(names = "--metrics-vllm-names", description = "Also export the request and KV cache gauges under vLLM's names "
            + "(vllm:num_requests_waiting, vllm:num_requests_running, vllm:kv_cache_usage_perc, vllm:cache_config_info) "
            + "for an inference gateway's endpoint picker that reads only those")
    boolean metricsVllmNames;

    @Option(names = "--usage-db", description = "Record every request's token usage per key, model and hour in this SQLite "
            + "file (created if absent; kept across restarts). Off by default")
    Path usageDb;

    @Option(names = "--admin-key-file", description = "File with the admin key(s) that may read GET /v1/usage (one per line); "
            + "also the CRIA_ADMIN_KEY environment variable")
    Path adminKeyFile;

    @Option(names = "--admin-key", description = "An admin key (repeatable). Shows in the process list: prefer --admin-key-file or CRIA_ADMIN_KEY")
    List<String> adminKeys = new ArrayList<>();

    @Option(names = "--price-input", description = "Price per million prompt tokens, for the cost in GET /v1/usage")
    BigDecimal priceInput;

    @Option(names = "--price-output", description = "Price per million completion tokens, for the cost in GET /v1/usage")
    BigDecimal priceOutput;

    @Option(names = "--key-limits", description = "JSON file of requests and tokens per minute per key (and a default); "
            + "over the limit is 429 with x-ratelimit-* headers")
    Path keyLimits;

    /** Usage metering and limits as these flags describe them (admin keys from --admin-key, the file and CRIA_ADMIN_KEY). */
    MeteringOptions meteringOptions() throws IOException {
        List<String> admins = new ArrayList<>(adminKeys);
        String env = environment.get("CRIA_ADMIN_KEY");
        if (env != null && !env.isBlank()) admins.add(env.strip());
        if (adminKeyFile != null) {
            if (!Files.isRegularFile(adminKeyFile)) throw new IllegalArgumentException("--admin-key-file: no such file: " + adminKeyFile);
            for (String line : Files.readAllLines(adminKeyFile, StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) admins.add(k);
            }
            if (admins.isEmpty()) throw new IllegalArgumentException("--admin-key-file " + adminKeyFile + " holds no key");
        }
        if (keyLimits != null && !Files.isRegularFile(keyLimits)) throw new IllegalArgumentException("--key-limits: no such file: " + keyLimits);
        return new MeteringOptions(usageDb, admins, priceInput, priceOutput, keyLimits);
    }

    /** The server options these flags describe (keys from --api-key, the key file and CRIA_API_KEY). */
    ServerOptions serverOptions() throws IOException {
        List<String> keys = new ArrayList<>(apiKeys);
        String envKey = environment.get("CRIA_API_KEY");
        if (envKey != null && !envKey.isBlank()) keys.add(envKey.strip());
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) throw new IllegalArgumentException("--api-key-file: no such file: " + apiKeyFile);
            for (String line : Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8)) {
                String k = line.strip();
                if (!k.isEmpty() && !k.startsWith("#")) keys.add(k);
            }
            if (keys.isEmpty()) throw new IllegalArgumentException("--api-key-file " + apiKeyFile + " holds no key");
        }
        if (shutdownSeconds < 0) throw new IllegalArgumentException("--shutdown-timeout must be at least 0");
        if (shutdownDelaySeconds < 0) throw new IllegalArgumentException("--shutdown-delay must be at least 0");
        return new ServerOptions(host, port, keys, modelId, aliases, providerModelId, cors, maxBodyBytes,
                Duration.ofSeconds(shutdownSeconds), allowedHosts, null, Duration.ofSeconds(shutdownDelaySeconds), metricsVllmNames);
    }

    /** The warning printed when a key was given as an argument, where every local user can read it (ps, /proc); null if none was. */
    String keyOnCommandLineWarning() {
        String api = apiKeys.isEmpty() ? null : "cria: warning: --api-key puts the key in the process list (ps); "
                + "pass it with --api-key-file FILE or the CRIA_API_KEY environment variable instead";
        String admin = adminKeys.isEmpty() ? null : "cria: warning: --admin-key puts the key in the process list (ps); "
                + "pass it with --admin-key-file FILE or the CRIA_ADMIN_KEY environment variable instead";
        return api == null ? admin : admin == null ? api : api + "\n" + admin;
    }

    /**
     * MODEL as a local path, pulling a Hub model the cache lacks. A Hub model answers to the name it
     * was pulled by unless --model-id says otherwise, as Ollama's models do (and a safetensors
     * snapshot folder is named by its commit hash, no name for clients).
     */
    void resolveModel() {
        String argument = model.toString();
        model = HubModels.localModel(model);
        if (modelId == null && !model.toString().equals(argument)) modelId = argument;
    }

    /** The engine options these flags describe; a value out of range is a usage error (exit 2). */
    EngineOptions engineOptions() {
        if (maxQueue < 1) throw new ParameterException(spec.commandLine(), "--max-queue must be at least 1, got " + maxQueue);
        return engine.options(maxQueue, spec);
    }

    /**
     * The one line that says the server is ready, and what it serves: where (the chat page is at that
     * URL), the model, its context, how many sequences run at once, and the KV cache in tokens.
     */
    static String readyLine(long uptimeMillis, String bindHost, int port, Engine engine, EngineOptions options) {
        String host = bindHost.equals("0.0.0.0") ? "127.0.0.1" : bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
        var stats = engine.stats();
        return String.format(Locale.ROOT, "cria: ready in %.1f s: http://%s:%d/ · %s · context %d · parallel %d · KV cache %d tokens (%s)",
                uptimeMillis / 1000.0, host, port, engine.info().name(), engine.info().contextLength(), options.parallel(),
                (long) stats.kvBlocksTotal() * stats.kvBlockSize(), options.kvType().name().toLowerCase(Locale.ROOT));
    }

    @Override
    public Integer call() throws Exception {
        EngineOptions engineOptions = engineOptions();
        serverOptions(); // a bad flag or key file fails before a download
        ContentSafety safety = guardFlags.safety(spec);
        meteringOptions();
        resolveModel();
        guardFlags.resolveModel();
        ServerOptions options = serverOptions();
        Metering metering = Metering.open(meteringOptions());
        String warning = keyOnCommandLineWarning();
        if (warning != null) System.err.println(warning);
        CountDownLatch shutdown = new CountDownLatch(1);
        // SIGTERM (service managers) and SIGINT (Ctrl-C) both drain gracefully and exit 0; the JVM's
        // default would run shutdown hooks and exit 143/130 instead.
        Signal.handle(new Signal("TERM"), s -> shutdown.countDown());
        Signal.handle(new Signal("INT"), s -> shutdown.countDown());
        AtomicReference<Engine> loaded = new AtomicReference<>();
        LoadProgressBar loading = engine.synthetic != null ? LoadProgressBar.onStderr("synthetic " + engine.synthetic, -1)
                : LoadProgressBar.onStderr(model);
        CriaServer server = CriaServer.startLoading(() -> {
            Engine e = engine.open(model, engineOptions, loading);
            loading.close(); // before the server logs "model loaded", which would run on from the bar
            try {
                guardFlags.load(safety, e, engineOptions, spec);
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
            loaded.set(e);
            return e;
        }, options, safety, metering);
        // Through the bar: the load may be drawing it already on the loading thread.
        loading.println("cria: listening on http://" + options.bindHost() + ":" + server.port()
                + (options.apiKeys().isEmpty() ? " (no API key: loopback Host names only unless --allowed-host says otherwise)" : "")
                + "; loading " + model);
        try {
            Thread.ofVirtual().start(() -> {
                try {
                    server.awaitLoaded();
                    long ms = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
                    loading.finished(readyLine(ms, options.bindHost(), server.port(), loaded.get(), engineOptions));
                } catch (Throwable e) { // a load that ran out of memory is an Error: still exit with one line
                    loading.close();
                    shutdown.countDown();
                }
            });
            shutdown.await();
            try {
                server.awaitLoadedIfDone();
            } catch (Throwable e) {
                System.err.println("cria: cannot load " + model + ": " + (e.getMessage() == null ? e : e.getMessage()));
                return 1;
            }
            System.err.println("cria: shutting down (" + (shutdownDelaySeconds > 0 ? shutdownDelaySeconds + " s until new requests are refused, then " : "")
                    + "up to " + shutdownSeconds + " s for in-flight requests)");
            return 0;
        } finally {
            server.stop();
        }
    }
}
